using System.Globalization;
using System.Net.Http.Headers;
using HealthServerless.Core.Payments;
using HealthServerless.Functions.Payments;
using Microsoft.Extensions.Options;

namespace HealthServerless.LocalHost.PaymentSimulators;

/// <summary>
/// Sends a paid order's callback as its provider would: signed with the provider's key (made at
/// first run under .data/keys), freshly signed on every send, resent on the provider's schedule
/// until the app answers success, and dropped, duplicated, held back or delayed on request.
/// </summary>
public sealed partial class SimulatedCallbacks(
    IHttpClientFactory clients, IConfiguration configuration, IOptions<PaymentSimulatorOptions> options, TimeProvider time,
    IHostApplicationLifetime lifetime, ILogger<SimulatedCallbacks> logger)
{
    public const string ClientName = "payment-simulators";

    private readonly Lazy<PaymentKeySettings> _keys = new(() => PaymentKeySettings.Resolve(configuration));
    private readonly Dictionary<PaymentChannel, List<Func<Task>>> _held = [];
    private int _inFlight;

    /// <summary>Callbacks being sent or waiting for a resend (a test waits for none).</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    internal void Start(SimulatedOrder order, PayInstruction instruction)
    {
        if (instruction.Drop)
        {
            LogDropped(logger, order.Channel);
            return;
        }

        Task Send() => Tracked(() => SendAsync(order, instruction, lifetime.ApplicationStopping));
        if (instruction.HoldForNext)
        {
            lock (_held)
            {
                (_held.TryGetValue(order.Channel, out var list) ? list : _held[order.Channel] = []).Add(Send);
            }

            return;
        }

        _ = Send();
    }

    private async Task Tracked(Func<Task> work)
    {
        Interlocked.Increment(ref _inFlight);
        try
        {
            await work();
        }
        catch (OperationCanceledException)
        {
            // The host is stopping: the provider would resend later; this one forgets.
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    private async Task SendAsync(SimulatedOrder order, PayInstruction instruction, CancellationToken stopping)
    {
        if (instruction.Delay is { } delay)
        {
            await Task.Delay(delay, stopping);
        }

        var schedule = order.Channel switch
        {
            PaymentChannel.WeChatPay => PaymentSimulatorOptions.WeChatPaySchedule,
            PaymentChannel.Alipay => PaymentSimulatorOptions.AlipaySchedule,
            _ => PaymentSimulatorOptions.PartnerSchedule,
        };
        var taken = false;
        for (var attempt = 0; attempt <= schedule.Count && !taken; attempt++)
        {
            if (attempt > 0)
            {
                await Task.Delay(schedule[attempt - 1] * options.Value.ResendScale, stopping);
            }

            // A refused-first send is as if lost on the way: the app never saw it.
            taken = attempt >= instruction.RefuseFirst && await SendOnceAsync(order, stopping);
        }

        if (!taken)
        {
            LogGaveUp(logger, order.Channel);
        }

        for (var i = 0; i < instruction.Duplicates; i++)
        {
            await SendOnceAsync(order, stopping);
        }

        List<Func<Task>>? held;
        lock (_held)
        {
            _held.Remove(order.Channel, out held);
        }

        foreach (var send in held ?? [])
        {
            _ = send();
        }
    }

    /// <summary>One send; true when the app answered the provider's idea of success.</summary>
    internal async Task<bool> SendOnceAsync(SimulatedOrder order, CancellationToken cancellationToken)
    {
        var (content, headers) = Build(order);
        using var request = new HttpRequestMessage(HttpMethod.Post, order.NotifyUrl) { Content = content };
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        using var response = await clients.CreateClient(ClientName).SendAsync(request, cancellationToken);
        return order.Channel == PaymentChannel.Alipay
            ? await response.Content.ReadAsStringAsync(cancellationToken) == AlipayProtocol.Success
            : response.IsSuccessStatusCode;
    }

    private (ByteArrayContent Content, (string Name, string? Value)[] Headers) Build(SimulatedOrder order)
    {
        var keys = _keys.Value;
        var now = time.GetUtcNow();
        switch (order.Channel)
        {
            case PaymentChannel.WeChatPay:
            {
                using var platform = SimulatorKeys.Rsa(keys.Simulator!.WeChatPlatformPrivateKey);
                var transaction = new WeChatTransaction(keys.WeChatAppId, keys.WeChatMerchantId, order.OrderId, order.TransactionId, "SUCCESS",
                    order.PaidAt!.Value.ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM-ddTHH:mm:sszzz", CultureInfo.InvariantCulture), new WeChatAmount(order.AmountFen, "CNY"));
                var (body, headers) = WeChatPayProtocol.Notification(platform, keys.Simulator.WeChatPlatformSerial, Convert.FromBase64String(keys.WeChatApiV3Key),
                    transaction, now, WeChatPayProtocol.RandomNonce(32), order.NotifyId);
                return (Json(body),
                [
                    (WeChatPayHeaders.TimestampHeader, headers.Timestamp), (WeChatPayHeaders.NonceHeader, headers.Nonce), (WeChatPayHeaders.SignatureHeader, headers.Signature),
                    (WeChatPayHeaders.SerialHeader, headers.Serial), (WeChatPayHeaders.SignatureTypeHeader, headers.SignatureType),
                ]);
            }

            case PaymentChannel.Alipay:
            {
                using var alipay = SimulatorKeys.Rsa(keys.Simulator!.AlipayPrivateKey);
                var form = AlipayProtocol.Notification(alipay, new Dictionary<string, string>
                {
                    ["notify_time"] = AlipayProtocol.ShanghaiText(now),
                    ["notify_type"] = "trade_status_sync",
                    ["notify_id"] = order.NotifyId,
                    ["app_id"] = keys.AlipayAppId,
                    ["charset"] = "utf-8",
                    ["version"] = "1.0",
                    ["trade_no"] = order.TransactionId,
                    ["out_trade_no"] = order.OrderId,
                    ["trade_status"] = "TRADE_SUCCESS",
                    ["total_amount"] = Yuan.FromFen(order.AmountFen),
                    ["seller_id"] = keys.AlipaySellerId,
                    ["gmt_payment"] = AlipayProtocol.ShanghaiText(order.PaidAt!.Value),
                    ["subject"] = "诊疗费用",
                });
                var content = new ByteArrayContent(form);
                content.Headers.ContentType = new MediaTypeHeaderValue("application/x-www-form-urlencoded") { CharSet = "utf-8" };
                return (content, []);
            }

            default:
            {
                var card = order.Channel == PaymentChannel.BankCard;
                var key = Convert.FromBase64String(card ? keys.BankCardKey : keys.VoucherKey);
                var (body, headers) = HmacCallbackProtocol.Notification(key, new HmacNotification(card ? keys.BankCardMerchantId : keys.VoucherMerchantId,
                    order.OrderId, order.TransactionId, "PAID", order.AmountFen, order.PaidAt!.Value, card ? order.CardNumber : null), now, Guid.NewGuid().ToString("N"));
                return (Json(body), [(HmacHeaders.TimestampHeader, headers.Timestamp), (HmacHeaders.NonceHeader, headers.Nonce), (HmacHeaders.SignatureHeader, headers.Signature)]);
            }
        }
    }

    private static ByteArrayContent Json(byte[] body)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        return content;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Payment simulator {Channel}: callback dropped on request")]
    private static partial void LogDropped(ILogger logger, PaymentChannel channel);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Payment simulator {Channel}: no success after the whole resend schedule")]
    private static partial void LogGaveUp(ILogger logger, PaymentChannel channel);
}
