using HealthServerless.LocalHost.Catalog;

namespace HealthServerless.Functions.Tests.Payments;

/// <summary>The payment functions docs/payments.md promises, as the Functions host sees them in functions.metadata.</summary>
public sealed class PaymentFunctionsMetadataTests
{
    private static readonly FunctionCatalog Catalog = FunctionCatalog.Load(Path.Combine(AppContext.BaseDirectory, "functions.metadata"));

    [Theory]
    [InlineData("ReceiveWeChatPayCallback", "payments/callbacks/wechatpay", "post")]
    [InlineData("ReceiveAlipayCallback", "payments/callbacks/alipay", "post")]
    [InlineData("ReceiveBankCardCallback", "payments/callbacks/bank-card", "post")]
    [InlineData("ReceiveInsuranceVoucherCallback", "payments/callbacks/insurance-voucher", "post")]
    [InlineData("GetPaymentOrder", "payment-orders/{orderId}", "get")]
    [InlineData("RunPaymentReconciliation", "payment-reconciliations/{day}", "post")]
    [InlineData("GetPaymentReconciliation", "payment-reconciliations/{day}", "get")]
    public void The_http_functions_are_listed_with_their_routes(string name, string route, string method)
    {
        var function = Assert.Single(Catalog.WithTrigger("httpTrigger"), f => f.Name == name);

        Assert.Equal(route, function.Trigger.Get("route"));
        Assert.Contains(method, function.Trigger.GetList("methods"));
    }

    [Theory]
    [InlineData("ResolvePendingPayments", "0 * * * * *")]
    [InlineData("ReconcilePayments", "0 0 2-4 * * *")]
    public void The_timers_are_listed_with_their_schedules(string name, string schedule) =>
        Assert.Equal(schedule, Assert.Single(Catalog.WithTrigger("timerTrigger"), f => f.Name == name).Trigger.Get("schedule"));
}
