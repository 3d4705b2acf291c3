using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using HealthServerless.Core.Common;
using HealthServerless.Core.Payments;
using Microsoft.Extensions.DependencyInjection;

namespace HealthServerless.EndToEnd.Tests.Payments;

/// <summary>
/// The morning after, through the operator API: a card payment whose callback was dropped is in the
/// acquirer's statement and not in the ledger; reconciliation repairs it with an audit entry. The
/// card number the acquirer knows appears in no response and no log line.
/// </summary>
public sealed class PaymentReconciliationEndToEndTests(ReconciliationHost app) : IClassFixture<ReconciliationHost>
{
    private const string CardNumber = "6222021234567890123";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Reconciliation_finds_a_dropped_card_callback_and_repairs_it_and_no_card_number_leaks()
    {
        var gateway = app.Host.Services.GetRequiredService<IPaymentGateway>();
        foreach (var id in new[] { "E2ECARD0001", "E2ECARD0002" })
        {
            await gateway.StartAsync(new PaymentRequest(id, "bill-" + id, PaymentChannel.BankCard, 8_800, "alice", "药费", app.Time.GetUtcNow().AddMinutes(15)), Ct);
        }

        var responses = new List<string>();
        using var anonymous = app.Client();
        foreach (var (id, drop) in new[] { ("E2ECARD0001", false), ("E2ECARD0002", true) })
        {
            using var paid = await anonymous.PostAsJsonAsync($"/sim/bank-card/orders/{id}/pay", new { drop, cardNumber = CardNumber }, Ct);
            Assert.Equal(HttpStatusCode.OK, paid.StatusCode);
        }

        using (var early = app.Client(app.Token("finance-1", Roles.Admin)))
        {
            await PaymentsEndToEndTests.EventuallyAsync(async () => Status(await Read(early, "/api/payment-orders/E2ECARD0001")) == "Paid", "the first callback");
        }

        // 09:00 the morning after, before the reconciliation timer (10:00) would run it (the token minted now, on the app's clock).
        app.Time.SetUtcNow(new DateTimeOffset(2026, 12, 2, 9, 0, 0, TimeSpan.FromHours(8)));
        using var admin = app.Client(app.Token("finance-1", Roles.Admin));

        using var run = new HttpRequestMessage(HttpMethod.Post, "/api/payment-reconciliations/2026-12-01");
        run.Headers.Add("Idempotency-Key", "reconcile-2026-12-01");
        using var ran = await admin.SendAsync(run, Ct);
        var body = await ran.Content.ReadAsStringAsync(Ct);
        responses.Add(body);
        Assert.Equal(HttpStatusCode.OK, ran.StatusCode);

        var view = JsonDocument.Parse(body).RootElement;
        var difference = Assert.Single(view.GetProperty("report").GetProperty("differences").EnumerateArray());
        Assert.Equal(("missing-in-ledger", "E2ECARD0002", true), (difference.GetProperty("kind").GetString(), difference.GetProperty("orderId").GetString(), difference.GetProperty("repaired").GetBoolean()));
        Assert.Equal("repaired-missing-payment", Assert.Single(view.GetProperty("audit").EnumerateArray()).GetProperty("action").GetString());
        Assert.Contains(app.Settlement.Paid, p => p.OrderId == "E2ECARD0002");

        var order = await Read(admin, "/api/payment-orders/E2ECARD0002");
        responses.Add(order.GetRawText());
        responses.Add((await Read(admin, "/api/payment-orders/E2ECARD0001")).GetRawText());
        responses.Add((await Read(admin, "/api/payment-reconciliations/2026-12-01")).GetRawText());
        Assert.Equal(("Paid", "reconciliation"), (Status(order), order.GetProperty("history")[1].GetProperty("source").GetString()));
        Assert.Equal("0123", (await Read(admin, "/api/payment-orders/E2ECARD0001")).GetProperty("cardLast4").GetString());

        Assert.All(responses, r => Assert.DoesNotContain(CardNumber, r, StringComparison.Ordinal));
        Assert.DoesNotContain(app.Logs, l => l.Contains(CardNumber, StringComparison.Ordinal));
    }

    private static string? Status(JsonElement order) => order.GetProperty("status").GetString();

    private static async Task<JsonElement> Read(HttpClient client, string path) => await client.GetFromJsonAsync<JsonElement>(path, Ct);
}
