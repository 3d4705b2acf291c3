using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using HealthServerless.Core.Common;
using HealthServerless.Core.Payments;
using HealthServerless.LocalHost.PaymentSimulators;
using Microsoft.Extensions.DependencyInjection;

namespace HealthServerless.EndToEnd.Tests.Payments;

/// <summary>Payments through real HTTP: the gateway opens an order at a simulator, the simulator pays and calls back, signed.</summary>
public sealed class PaymentsEndToEndTests(PaymentsHost app) : IClassFixture<PaymentsHost>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_wechat_payment_called_back_three_times_is_paid_once_and_each_resend_answered_204()
    {
        await OpenAsync("E2EWX0001", PaymentChannel.WeChatPay);

        await PayAsync(PaymentChannel.WeChatPay, "E2EWX0001", new { duplicates = 2 });

        await EventuallyAsync(async () => await StatusAsync("E2EWX0001") == "Paid" && Simulators.InFlight == 0, "paid and every callback sent");
        Assert.Single(app.Settlement.PaidCalls, p => p.OrderId == "E2EWX0001");
        Assert.Equal(2, app.Logs.Count(l => l.Contains("Payment callback of WeChatPay: Duplicate", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task An_alipay_callback_lost_on_the_way_is_resent_on_alipays_schedule_until_it_reads_success()
    {
        await OpenAsync("E2EALI0001", PaymentChannel.Alipay);

        await PayAsync(PaymentChannel.Alipay, "E2EALI0001", new { refuseFirst = 2 });

        await EventuallyAsync(async () => await StatusAsync("E2EALI0001") == "Paid", "the third send to land");
        Assert.Single(app.Settlement.PaidCalls, p => p.OrderId == "E2EALI0001");
    }

    [Fact]
    public async Task A_dropped_callback_is_found_by_the_pending_payment_timer_asking_the_simulator()
    {
        await OpenAsync("E2EWX0002", PaymentChannel.WeChatPay);
        await PayAsync(PaymentChannel.WeChatPay, "E2EWX0002", new { drop = true });
        Assert.Equal("Pending", await StatusAsync("E2EWX0002"));

        app.Time.Advance(TimeSpan.FromMinutes(6));

        await EventuallyAsync(async () => await StatusAsync("E2EWX0002") == "Paid", "the timer's query");
        using var admin = Admin();
        var order = await admin.GetFromJsonAsync<JsonElement>("/api/payment-orders/E2EWX0002", Ct);
        Assert.Equal("query", order.GetProperty("history")[1].GetProperty("source").GetString());
    }

    [Fact]
    public async Task A_forged_callback_through_http_is_answered_401_with_a_code_and_alipay_fail()
    {
        await OpenAsync("E2EWX0003", PaymentChannel.WeChatPay);
        using var anonymous = app.Client();
        using var wechat = new HttpRequestMessage(HttpMethod.Post, "/api/payments/callbacks/wechatpay") { Content = new StringContent("""{"id":"x"}""") };
        wechat.Headers.Add("Wechatpay-Timestamp", app.Time.GetUtcNow().ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture));
        wechat.Headers.Add("Wechatpay-Nonce", "N");
        wechat.Headers.Add("Wechatpay-Signature", Convert.ToBase64String(new byte[256]));
        wechat.Headers.Add("Wechatpay-Serial", "5157F09EFDC096DE15EBE81A47057A7232F1B8E1");

        using var refused = await anonymous.SendAsync(wechat, Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal("SIGN_ERROR", (await refused.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("code").GetString());

        using var alipay = await anonymous.PostAsync("/api/payments/callbacks/alipay",
            new FormUrlEncodedContent(new Dictionary<string, string> { ["out_trade_no"] = "E2EWX0003", ["sign_type"] = "RSA2", ["sign"] = "AAAA" }), Ct);
        Assert.Equal("fail", await alipay.Content.ReadAsStringAsync(Ct));
    }

    private SimulatedCallbacks Simulators => app.Host.Services.GetRequiredService<SimulatedCallbacks>();

    private HttpClient Admin() => app.Client(app.Token("finance-1", Roles.Admin));

    private Task<PaymentStart> OpenAsync(string orderId, PaymentChannel channel) =>
        app.Host.Services.GetRequiredService<IPaymentGateway>().StartAsync(
            new PaymentRequest(orderId, "bill-" + orderId, channel, 5_000, "alice", "挂号费", app.Time.GetUtcNow().AddMinutes(15)), Ct);

    private async Task PayAsync(PaymentChannel channel, string orderId, object instruction)
    {
        using var client = app.Client();
        using var paid = await client.PostAsJsonAsync($"/sim/{Functions.Payments.ProviderApi.ChannelSegment(channel)}/orders/{orderId}/pay", instruction, Ct);
        Assert.Equal(HttpStatusCode.OK, paid.StatusCode);
    }

    private async Task<string?> StatusAsync(string orderId)
    {
        using var admin = Admin();
        return (await admin.GetFromJsonAsync<JsonElement>($"/api/payment-orders/{orderId}", Ct)).GetProperty("status").GetString();
    }

    internal static async Task EventuallyAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "Timed out waiting for " + what);
            await Task.Delay(100, Ct);
        }
    }
}
