using System.Net;
using System.Net.Http.Json;
using HealthServerless.Core.Common;
using HealthServerless.Core.Payments;
using HealthServerless.Core.Storage;
using Microsoft.Extensions.Options;

namespace HealthServerless.Functions.Payments;

/// <summary>Where each channel's provider API is, from <c>Payments:Providers:{Channel}</c> (the local host points them at its simulators).</summary>
public interface IPaymentProviderEndpoints
{
    Uri ApiBase(PaymentChannel channel);

    /// <summary>Where the provider should send this channel's callbacks.</summary>
    Uri NotifyUrl(PaymentChannel channel);
}

public sealed class PaymentProviderOptions
{
    public const string Section = "Payments:Providers";

    /// <summary>Channel name → base address of its provider API (ending with '/').</summary>
    public Dictionary<string, Uri> ApiBase { get; set; } = [];

    /// <summary>The app's public address, for the notify URLs given to providers (e.g. https://health.example.gov.cn/).</summary>
    public Uri? PublicBase { get; set; }
}

public sealed class ConfiguredProviderEndpoints(IOptions<PaymentProviderOptions> options) : IPaymentProviderEndpoints
{
    public Uri ApiBase(PaymentChannel channel) => options.Value.ApiBase.TryGetValue(channel.ToString(), out var uri)
        ? uri
        : throw new InvalidOperationException($"Payments:Providers:ApiBase:{channel} is not configured.");

    public Uri NotifyUrl(PaymentChannel channel) =>
        new(options.Value.PublicBase ?? throw new InvalidOperationException("Payments:Providers:PublicBase is not configured."), PaymentCallbackFunctions.Route(channel));
}

/// <summary>
/// One channel's <see cref="IPaymentProvider"/> over HTTP. The statement is fetched and checked in
/// the channel's own format: WeChat Pay's trade bill against the SHA1 given with its address.
/// </summary>
public sealed class HttpPaymentProvider(PaymentChannel channel, IHttpClientFactory clients, IPaymentProviderEndpoints endpoints) : IPaymentProvider
{
    public const string ClientName = "payment-providers";

    public PaymentChannel Channel => channel;

    public async Task<ProviderPrepay> CreateAsync(PaymentOrderRecord order, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(order);
        using var response = await Client().PostAsJsonAsync(Path(ProviderApi.OrdersPath),
            new ProviderCreateRequest(order.OrderId, order.AmountFen, order.Description, order.ExpiresAt, endpoints.NotifyUrl(channel).ToString()), TypedDocuments.Json, cancellationToken);
        response.EnsureSuccessStatusCode();
        var created = (await response.Content.ReadFromJsonAsync<ProviderCreateResponse>(TypedDocuments.Json, cancellationToken))!;
        return new ProviderPrepay(created.PrepayId, created.PayUrl);
    }

    public async Task<ProviderOrder> QueryAsync(string orderId, CancellationToken cancellationToken = default)
    {
        using var response = await Client().GetAsync(Path(ProviderApi.OrdersPath + "/" + Uri.EscapeDataString(orderId)), cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return new ProviderOrder(orderId, ProviderOrderState.NotFound, 0, null, null, null, null);
        }

        response.EnsureSuccessStatusCode();
        var q = (await response.Content.ReadFromJsonAsync<ProviderQueryResponse>(TypedDocuments.Json, cancellationToken))!;
        return new ProviderOrder(q.OrderId, q.State, q.AmountFen, q.MerchantId, q.TransactionId, q.PaidAt, CallbackClock.Last4(q.CardLast4));
    }

    public async Task<ProviderRefund> RefundAsync(PaymentOrderRecord order, string refundId, long amountFen, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(order);
        using var response = await Client().PostAsJsonAsync(Path(ProviderApi.RefundsPath), new ProviderRefundRequest(order.OrderId, refundId, amountFen), TypedDocuments.Json, cancellationToken);
        response.EnsureSuccessStatusCode();
        var refund = (await response.Content.ReadFromJsonAsync<ProviderRefundResponse>(TypedDocuments.Json, cancellationToken))!;
        return new ProviderRefund(refund.RefundId, refund.Succeeded, refund.ProviderRefundId);
    }

    public async Task<IReadOnlyList<StatementLine>> StatementAsync(DateOnly businessDay, CancellationToken cancellationToken = default)
    {
        var client = Client();
        var path = Path(ProviderApi.StatementsPath + "/" + BusinessTime.DateKey(businessDay));
        switch (channel)
        {
            case PaymentChannel.WeChatPay:
                var location = (await client.GetFromJsonAsync<TradeBillLocation>(path, TypedDocuments.Json, cancellationToken))!;
                if (location.HashType != "SHA1")
                {
                    throw new InvalidDataException("Unexpected trade bill hash type.");
                }

                return WeChatTradeBill.Parse(await client.GetByteArrayAsync(new Uri(location.DownloadUrl), cancellationToken), location.HashValue);
            case PaymentChannel.Alipay:
                return AlipayBill.Parse(await client.GetByteArrayAsync(path, cancellationToken));
            default:
                return PartnerStatement.Parse(await client.GetByteArrayAsync(path, cancellationToken));
        }
    }

    private HttpClient Client() => clients.CreateClient(ClientName);

    private Uri Path(string relative) => new(endpoints.ApiBase(channel), relative);
}
