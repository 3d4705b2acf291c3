using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using HealthServerless.Core.Payments;
using HealthServerless.Sqlite;
using HealthServerless.Testing;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace HealthServerless.Core.Tests.Payments;

/// <summary>
/// Payments' Core on a SQLite file of its own, with the providers' keys made for the test, a
/// provider double per channel (answers and statements the test sets), settlement's recording
/// double, and helpers that sign callbacks exactly as each provider does.
/// </summary>
public sealed class PaymentsWorld : IAsyncDisposable
{
    public const string Serial = "5157F09EFDC096DE15EBE81A47057A7232F1B8E1";
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "hs-pay-" + Guid.NewGuid().ToString("N"));

    public PaymentsWorld(PaymentsOptions? options = null)
    {
        Time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 10, 0, 0, TimeSpan.FromHours(8)));
        Store = new SqliteDocumentStore(Path.Combine(_folder, "pay.db"), [.. CoreContainers.All, .. PaymentsContainers.All]);
        Keys = new PaymentKeys
        {
            WeChatPay = new WeChatPayKeys("1900000109", "wxd678efh567hg6787", ApiV3Key, new Dictionary<string, byte[]> { [Serial] = Platform.ExportSubjectPublicKeyInfo() }),
            Alipay = new AlipayKeys("2021000000000001", "2088000000000001", AlipayKey.ExportSubjectPublicKeyInfo()),
            BankCard = new HmacChannelKeys("CARD-M001", CardKey),
            InsuranceVoucher = new HmacChannelKeys("VOUCHER-M001", VoucherKey),
        };
        Providers = new PaymentProviders(Enum.GetValues<PaymentChannel>().Select(c => (IPaymentProvider)new FakeProvider(c)));
        Orders = new PaymentOrders(Store, Settlement, Time);
        Callbacks = new PaymentCallbacks(Store, Keys, Orders, Time);
        Gateway = new PaymentGateway(Store, Providers, Time);
        Pending = new PendingPayments(Store, Providers, Orders, Options.Create(options ?? new PaymentsOptions()), Time);
        Reconciliation = new Reconciliation(Store, Providers, Orders, Settlement, Settlement, Time);
    }

    public FakeTimeProvider Time { get; }
    public SqliteDocumentStore Store { get; }
    // Made once per test run: a 2048-bit key takes a while to generate, and no test changes one.
    private static readonly RSA SharedPlatform = RSA.Create(2048);
    private static readonly RSA SharedMerchant = RSA.Create(2048);
    private static readonly RSA SharedAlipay = RSA.Create(2048);

    public RSA Platform { get; } = SharedPlatform;
    public RSA Merchant { get; } = SharedMerchant;
    public RSA AlipayKey { get; } = SharedAlipay;
    public byte[] ApiV3Key { get; } = RandomNumberGenerator.GetBytes(32);
    public byte[] CardKey { get; } = RandomNumberGenerator.GetBytes(32);
    public byte[] VoucherKey { get; } = RandomNumberGenerator.GetBytes(32);
    public PaymentKeys Keys { get; }
    public PaymentProviders Providers { get; }
    public RecordingSettlement Settlement { get; } = new();
    public PaymentOrders Orders { get; }
    public PaymentCallbacks Callbacks { get; }
    public PaymentGateway Gateway { get; }
    public PendingPayments Pending { get; }
    public Reconciliation Reconciliation { get; }

    /// <summary>09:00 in Shanghai the day after the world's first day: yesterday can be reconciled.</summary>
    public void SetNextMorning() => Time.SetUtcNow(new DateTimeOffset(2026, 12, 2, 9, 0, 0, TimeSpan.FromHours(8)));

    public FakeProvider Provider(PaymentChannel channel) => (FakeProvider)Providers.For(channel);

    public Task<PaymentStart> OpenAsync(string orderId, PaymentChannel channel, long amountFen = 12_345) =>
        Gateway.StartAsync(new PaymentRequest(orderId, "bill-" + orderId, channel, amountFen, "alice", "门诊费用", Time.GetUtcNow().AddMinutes(15)));

    public WeChatTransaction Transaction(string orderId, long amountFen = 12_345, string? merchantId = null) =>
        new(Keys.WeChatPay.AppId, merchantId ?? Keys.WeChatPay.MerchantId, orderId, "4200000001" + orderId, "SUCCESS",
            Time.GetUtcNow().ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM-ddTHH:mm:sszzz", CultureInfo.InvariantCulture), new WeChatAmount(amountFen, "CNY"));

    /// <summary>A WeChat Pay callback signed with <paramref name="signer"/> (the platform key unless given), sent at <paramref name="at"/> (now unless given).</summary>
    public (byte[] Body, WeChatPayHeaders Headers) WeChat(WeChatTransaction transaction, RSA? signer = null, DateTimeOffset? at = null) =>
        WeChatPayProtocol.Notification(signer ?? Platform, Serial, ApiV3Key, transaction, at ?? Time.GetUtcNow(), WeChatPayProtocol.RandomNonce(32), "EV-" + transaction.OutTradeNo);

    public byte[] Alipay(string orderId, string amount = "123.45", string? notifyId = null, string? sellerId = null, DateTimeOffset? at = null) =>
        AlipayProtocol.Notification(AlipayKey, new Dictionary<string, string>
        {
            ["notify_time"] = AlipayProtocol.ShanghaiText(at ?? Time.GetUtcNow()),
            ["notify_type"] = "trade_status_sync",
            ["notify_id"] = notifyId ?? "N-" + orderId,
            ["app_id"] = Keys.Alipay.AppId,
            ["charset"] = "utf-8",
            ["version"] = "1.0",
            ["trade_no"] = "2026120122001" + orderId,
            ["out_trade_no"] = orderId,
            ["trade_status"] = "TRADE_SUCCESS",
            ["total_amount"] = amount,
            ["seller_id"] = sellerId ?? Keys.Alipay.SellerId,
            ["gmt_payment"] = AlipayProtocol.ShanghaiText(Time.GetUtcNow()),
            ["subject"] = "门诊费用 & 药费",
        });

    public (byte[] Body, HmacHeaders Headers) Card(string orderId, long amountFen = 12_345, string cardNumber = "6222021234567890123", byte[]? key = null) =>
        HmacCallbackProtocol.Notification(key ?? CardKey, new HmacNotification(Keys.BankCard.MerchantId, orderId, "CARD-TX-" + orderId, "PAID", amountFen, Time.GetUtcNow(), cardNumber),
            Time.GetUtcNow(), Guid.NewGuid().ToString("N"));

    public async ValueTask DisposeAsync()
    {
        await Store.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }
}

/// <summary>A provider whose answers the test sets: query results, refund results, statement lines (and for WeChat Pay a bill hash that can be spoilt).</summary>
public sealed class FakeProvider(PaymentChannel channel) : IPaymentProvider
{
    public PaymentChannel Channel => channel;
    public ConcurrentDictionary<string, ProviderOrder> Answers { get; } = new();
    public ConcurrentQueue<StatementLine> Lines { get; } = new();
    public bool SpoilHash { get; set; }
    private int _refunds;

    public int Refunds => _refunds;

    public Task<ProviderPrepay> CreateAsync(PaymentOrderRecord order, CancellationToken cancellationToken = default) =>
        Task.FromResult(new ProviderPrepay("prepay-" + order.OrderId, null));

    public Task<ProviderOrder> QueryAsync(string orderId, CancellationToken cancellationToken = default) =>
        Task.FromResult(Answers.GetValueOrDefault(orderId) ?? new ProviderOrder(orderId, ProviderOrderState.NotPaid, 0, null, null, null, null));

    public Task<ProviderRefund> RefundAsync(PaymentOrderRecord order, string refundId, long amountFen, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _refunds);
        return Task.FromResult(new ProviderRefund(refundId, true, "R-" + refundId));
    }

    public Task<IReadOnlyList<StatementLine>> StatementAsync(DateOnly businessDay, CancellationToken cancellationToken = default)
    {
        // Through the real file formats, so the parsers are what reconciliation reads.
        IReadOnlyList<StatementLine> lines = [.. Lines.Where(l => HealthServerless.Core.Common.BusinessTime.Today(l.At) == businessDay)];
        return Task.FromResult(channel switch
        {
            PaymentChannel.WeChatPay => Bill(lines),
            PaymentChannel.Alipay => AlipayBill.Parse(AlipayBill.Write("2088000000000001", businessDay, lines)),
            _ => PartnerStatement.Parse(PartnerStatement.Write(lines)),
        });
    }

    private IReadOnlyList<StatementLine> Bill(IReadOnlyList<StatementLine> lines)
    {
        var file = WeChatTradeBill.Write("wxd678efh567hg6787", "1900000109", lines);
        return WeChatTradeBill.Parse(file, SpoilHash ? new string('0', 40) : WeChatTradeBill.Sha1(file));
    }
}
