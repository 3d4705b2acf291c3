using HealthServerless.Core.Payments;
using HealthServerless.Core.Telemetry;
using HealthServerless.Functions.Platform;
using HealthServerless.Functions.Platform.Json;
using HealthServerless.Functions.Platform.OpenApi;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace HealthServerless.Functions.Payments;

/// <summary>What a refused WeChat Pay, card or e-voucher callback is answered with: the provider resends on anything but success.</summary>
public sealed record ProviderError(string Code, string Message);

/// <summary>
/// The providers' callbacks (docs/payments.md, "Callbacks"). Anonymous, because the caller is a
/// payment provider, not a user with a token: what authenticates it is the signature over the raw
/// bytes, checked in Core before anything is parsed. Not <c>[Idempotent]</c>: providers send no
/// Idempotency-Key; a resend is answered as a duplicate by the order's own state.
/// </summary>
public sealed partial class PaymentCallbackFunctions(PaymentCallbacks callbacks, ILogger<PaymentCallbackFunctions> logger)
{
    public static string Route(PaymentChannel channel) => "api/payments/callbacks/" + ProviderApi.ChannelSegment(channel);

    [Function("ReceiveWeChatPayCallback")]
    [AllowAnonymous]
    [ProducesEmpty(StatusCodes.Status204NoContent)]
    [ProducesJson(typeof(ProviderError), StatusCodes.Status401Unauthorized)]
    public async Task<IActionResult> WeChatPay(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "payments/callbacks/wechatpay")] HttpRequest req, CancellationToken cancellationToken)
    {
        var body = await RequestBody.ReadAsync(req, RequestBody.LimitFor(req.HttpContext), cancellationToken);
        var headers = new WeChatPayHeaders(Header(req, WeChatPayHeaders.TimestampHeader), Header(req, WeChatPayHeaders.NonceHeader),
            Header(req, WeChatPayHeaders.SignatureHeader), Header(req, WeChatPayHeaders.SerialHeader), Header(req, WeChatPayHeaders.SignatureTypeHeader));
        return await AnswerAsync(PaymentChannel.WeChatPay, () => callbacks.WeChatPayAsync(headers, body, cancellationToken), ApiResults.NoContent, JsonRefusal);
    }

    [Function("ReceiveAlipayCallback")]
    [AllowAnonymous]
    public async Task<IActionResult> Alipay(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "payments/callbacks/alipay")] HttpRequest req, CancellationToken cancellationToken)
    {
        var body = await RequestBody.ReadAsync(req, RequestBody.LimitFor(req.HttpContext), cancellationToken);
        // Alipay resends until it reads exactly "success"; anything else, "fail" here, asks for a resend.
        return await AnswerAsync(PaymentChannel.Alipay, () => callbacks.AlipayAsync(body, cancellationToken),
            () => Text(AlipayProtocol.Success), _ => Text(AlipayProtocol.Failure));
    }

    [Function("ReceiveBankCardCallback")]
    [AllowAnonymous]
    [ProducesEmpty(StatusCodes.Status204NoContent)]
    [ProducesJson(typeof(ProviderError), StatusCodes.Status401Unauthorized)]
    public Task<IActionResult> BankCard(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "payments/callbacks/bank-card")] HttpRequest req, CancellationToken cancellationToken) =>
        HmacAsync(PaymentChannel.BankCard, req, cancellationToken);

    [Function("ReceiveInsuranceVoucherCallback")]
    [AllowAnonymous]
    [ProducesEmpty(StatusCodes.Status204NoContent)]
    [ProducesJson(typeof(ProviderError), StatusCodes.Status401Unauthorized)]
    public Task<IActionResult> InsuranceVoucher(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "payments/callbacks/insurance-voucher")] HttpRequest req, CancellationToken cancellationToken) =>
        HmacAsync(PaymentChannel.InsuranceVoucher, req, cancellationToken);

    private async Task<IActionResult> HmacAsync(PaymentChannel channel, HttpRequest req, CancellationToken cancellationToken)
    {
        var body = await RequestBody.ReadAsync(req, RequestBody.LimitFor(req.HttpContext), cancellationToken);
        var headers = new HmacHeaders(Header(req, HmacHeaders.TimestampHeader), Header(req, HmacHeaders.NonceHeader), Header(req, HmacHeaders.SignatureHeader));
        return await AnswerAsync(channel, () => callbacks.HmacChannelAsync(channel, headers, body, cancellationToken), ApiResults.NoContent, JsonRefusal);
    }

    private async Task<IActionResult> AnswerAsync(PaymentChannel channel, Func<Task<CallbackResult>> accept, Func<IActionResult> success, Func<CallbackRefusedException, IActionResult> refused)
    {
        try
        {
            var result = await accept();
            LogAccepted(logger, channel, result);
            return success();
        }
        catch (CallbackRefusedException refusal)
        {
            // Channel and reason only: a refused callback's body is the sender's word, not ours to log.
            LogRefused(logger, channel, refusal.Code);
            CoreMetrics.PaymentCallback(channel.ToString(), refusal.Code);
            return refused(refusal);
        }
    }

    private static IActionResult JsonRefusal(CallbackRefusedException refusal) => ApiResults.Json(
        refusal.Refusal switch
        {
            CallbackRefusal.BadSignature or CallbackRefusal.Expired or CallbackRefusal.Replayed => StatusCodes.Status401Unauthorized,
            CallbackRefusal.UnknownOrder => StatusCodes.Status404NotFound,
            _ => StatusCodes.Status400BadRequest,
        },
        new ProviderError(refusal.Code, refusal.Message));

    private static ContentResult Text(string text) => new() { Content = text, ContentType = "text/plain; charset=utf-8", StatusCode = StatusCodes.Status200OK };

    private static string? Header(HttpRequest req, string name) => req.Headers.TryGetValue(name, out var values) && values.Count == 1 ? values[0] : null;

    [LoggerMessage(Level = LogLevel.Information, Message = "Payment callback of {Channel}: {Result}")]
    private static partial void LogAccepted(ILogger logger, PaymentChannel channel, CallbackResult result);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Payment callback of {Channel} refused: {Code}")]
    private static partial void LogRefused(ILogger logger, PaymentChannel channel, string code);
}
