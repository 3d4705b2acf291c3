using System.Globalization;
using HealthServerless.Core.Payments;
using HealthServerless.Core.Storage;
using HealthServerless.Functions.Payments;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace HealthServerless.LocalHost.PaymentSimulators;

/// <summary>
/// The local payment providers (docs/decisions/014): served by the local host beside the app,
/// under <c>/sim/{channel}/</c>, never by the function app, so nothing of them can reach Azure.
/// The app's provider adapters are pointed at them, and they call the app's callback endpoints.
/// </summary>
public static class PaymentSimulatorEndpoints
{
    public static bool Enabled(IConfiguration configuration) =>
        configuration.GetSection(PaymentSimulatorOptions.Section).Get<PaymentSimulatorOptions>()?.Enabled == true;

    /// <summary>After the app's registrations: the adapters' endpoints become the simulators'.</summary>
    public static IServiceCollection AddPaymentSimulators(this IServiceCollection services)
    {
        services.AddOptions<PaymentSimulatorOptions>().BindConfiguration(PaymentSimulatorOptions.Section);
        services.AddSingleton<SimulatedProviders>();
        services.AddSingleton<SimulatedCallbacks>();
        services.AddHttpClient(SimulatedCallbacks.ClientName, client => client.Timeout = TimeSpan.FromSeconds(10));
        services.RemoveAll<IPaymentProviderEndpoints>();
        services.AddSingleton<IPaymentProviderEndpoints, SimulatorAddresses>();
        return services;
    }

    public static void MapPaymentSimulators(this IEndpointRouteBuilder web)
    {
        var sim = web.MapGroup("/sim/{channel}");
        sim.MapPost("/" + ProviderApi.OrdersPath, (string channel, ProviderCreateRequest request, SimulatedProviders providers) =>
            Channel(channel) is { } c ? Results.Json(Created(providers.Create(c, request)), TypedDocuments.Json) : Results.NotFound());
        sim.MapGet("/" + ProviderApi.OrdersPath + "/{orderId}", (string channel, string orderId, SimulatedProviders providers) =>
            Channel(channel) is { } c && providers.Find(c, orderId) is { } order ? Results.Json(Query(order), TypedDocuments.Json) : Results.NotFound());
        sim.MapPost("/" + ProviderApi.RefundsPath, (string channel, ProviderRefundRequest request, SimulatedProviders providers) =>
            Channel(channel) is { } c && providers.Find(c, request.OrderId) is { } order ? Results.Json(providers.Refund(order, request), TypedDocuments.Json) : Results.NotFound());

        // The citizen pays (the demo's and the tests' "pay" button), with the misbehaviour asked for.
        sim.MapPost("/" + ProviderApi.OrdersPath + "/{orderId}/pay", (string channel, string orderId, PayInstruction? instruction, SimulatedProviders providers, SimulatedCallbacks callbacks) =>
        {
            if (Channel(channel) is not { } c || providers.Find(c, orderId) is not { } order)
            {
                return Results.NotFound();
            }

            if (providers.Pay(order, instruction?.CardNumber))
            {
                callbacks.Start(order, instruction ?? new PayInstruction());
            }

            return Results.Json(Query(order), TypedDocuments.Json);
        });

        sim.MapGet("/" + ProviderApi.StatementsPath + "/{day}", (HttpContext http, string channel, string day, SimulatedProviders providers, IConfiguration configuration) =>
        {
            if (Channel(channel) is not { } c || !DateOnly.TryParseExact(day, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
            {
                return Results.NotFound();
            }

            var keys = PaymentKeySettings.Resolve(configuration);
            var lines = providers.Statement(c, date);
            switch (c)
            {
                case PaymentChannel.WeChatPay:
                    // Like GET /v3/bill/tradebill: where the bill is and its SHA1; the file itself is one more request.
                    var file = WeChatTradeBill.Write(keys.WeChatAppId, keys.WeChatMerchantId, lines);
                    var url = $"{http.Request.Scheme}://{http.Request.Host}/sim/{channel}/{ProviderApi.StatementsPath}/{day}/file";
                    return Results.Json(new TradeBillLocation("SHA1", WeChatTradeBill.Sha1(file), url), TypedDocuments.Json);
                case PaymentChannel.Alipay:
                    return Results.Bytes(AlipayBill.Write(keys.AlipaySellerId, date, lines), "text/csv; charset=utf-8");
                default:
                    return Results.Bytes(PartnerStatement.Write(lines), "text/csv; charset=utf-8");
            }
        });
        sim.MapGet("/" + ProviderApi.StatementsPath + "/{day}/file", (string channel, string day, SimulatedProviders providers, IConfiguration configuration) =>
        {
            if (Channel(channel) != PaymentChannel.WeChatPay || !DateOnly.TryParseExact(day, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
            {
                return Results.NotFound();
            }

            var keys = PaymentKeySettings.Resolve(configuration);
            return Results.Bytes(WeChatTradeBill.Write(keys.WeChatAppId, keys.WeChatMerchantId, providers.Statement(PaymentChannel.WeChatPay, date)), "text/csv; charset=utf-8");
        });
    }

    private static PaymentChannel? Channel(string segment) => ProviderApi.FromSegment(segment);

    private static ProviderCreateResponse Created(SimulatedOrder order) => order.Channel switch
    {
        PaymentChannel.WeChatPay => new("wx" + order.OrderId, "weixin://wxpay/bizpayurl?pr=" + order.OrderId),
        PaymentChannel.Alipay => new("ali" + order.OrderId, "https://openapi.alipay.com/gateway.do?out_trade_no=" + order.OrderId),
        _ => new(order.Channel.ToString().ToLowerInvariant() + "-" + order.OrderId, null),
    };

    private static ProviderQueryResponse Query(SimulatedOrder order) =>
        new(order.OrderId, order.State, order.AmountFen, null, order.State == ProviderOrderState.Paid ? order.TransactionId : null, order.PaidAt,
            CallbackClock.Last4(order.CardNumber));

    /// <summary>The simulators' addresses: the local host's own, known once it listens.</summary>
    private sealed class SimulatorAddresses(IServer server) : IPaymentProviderEndpoints
    {
        private Uri Base => new(server.Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/') + "/");

        public Uri ApiBase(PaymentChannel channel) => new(Base, "sim/" + ProviderApi.ChannelSegment(channel) + "/");

        public Uri NotifyUrl(PaymentChannel channel) => new(Base, PaymentCallbackFunctions.Route(channel));
    }
}
