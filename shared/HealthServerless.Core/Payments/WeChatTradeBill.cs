using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using HealthServerless.Core.Common;

namespace HealthServerless.Core.Payments;

/// <summary>
/// WeChat Pay's daily trade bill (type ALL), as <c>GET /v3/bill/tradebill</c> serves it
/// (docs/payments.md, "Statements"): a CSV detail part and a summary part, each with a header row;
/// every field of the data rows prefixed with a backtick (so spreadsheets keep long numbers as
/// text); amounts in yuan; the SHA1 of the file given beside its download address.
/// </summary>
public static class WeChatTradeBill
{
    public static readonly string[] DetailHeader =
    [
        "交易时间", "公众账号ID", "商户号", "特约商户号", "设备号", "微信订单号", "商户订单号", "用户标识", "交易类型", "交易状态", "付款银行", "货币种类",
        "应结订单金额", "代金券金额", "微信退款单号", "商户退款单号", "退款金额", "充值券退款金额", "退款类型", "退款状态", "商品名称", "商户数据包",
        "手续费", "费率", "订单金额", "申请退款金额", "费率备注",
    ];

    public static readonly string[] SummaryHeader = ["总交易单数", "应结订单总金额", "退款总金额", "充值券退款总金额", "手续费总金额", "订单总金额", "申请退款总金额"];

    // WeChat Pay's choice of hash for the bill, an integrity check of the download (the file comes over TLS), not a signature.
#pragma warning disable CA5350
    public static string Sha1(ReadOnlySpan<byte> file) => Convert.ToHexStringLower(SHA1.HashData(file));
#pragma warning restore CA5350

    public static byte[] Write(string appId, string merchantId, IEnumerable<StatementLine> lines)
    {
        ArgumentNullException.ThrowIfNull(lines);
        var text = new StringBuilder();
        text.Append(string.Join(',', DetailHeader)).Append("\r\n");
        long count = 0, paid = 0, refunded = 0;
        foreach (var line in lines)
        {
            count++;
            var payment = line.IsRefund ? 0 : line.AmountFen;
            var refund = line.IsRefund ? line.AmountFen : 0;
            paid += payment;
            refunded += refund;
            string[] fields =
            [
                TimeZoneInfo.ConvertTime(line.At, BusinessTime.Zone).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture), appId, merchantId, "0", "",
                line.TransactionId, line.OrderId, "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o", "NATIVE", line.IsRefund ? "REFUND" : "SUCCESS", "OTHERS", "CNY",
                Yuan.FromFen(payment), "0.00", line.IsRefund ? "50" + line.TransactionId : "0", line.RefundId ?? "0", Yuan.FromFen(refund), "0.00",
                line.IsRefund ? "ORIGINAL" : "", line.IsRefund ? "SUCCESS" : "", "诊疗费用", "", "0.00", "0.60%", Yuan.FromFen(payment), Yuan.FromFen(refund), "",
            ];
            text.Append(string.Join(',', fields.Select(f => "`" + f))).Append("\r\n");
        }

        text.Append(string.Join(',', SummaryHeader)).Append("\r\n");
        string[] summary = [count.ToString(CultureInfo.InvariantCulture), Yuan.FromFen(paid), Yuan.FromFen(refunded), "0.00", "0.00", Yuan.FromFen(paid), Yuan.FromFen(refunded)];
        text.Append(string.Join(',', summary.Select(f => "`" + f))).Append("\r\n");
        return Encoding.UTF8.GetBytes(text.ToString());
    }

    /// <summary>Checks the file's SHA1 against <paramref name="expectedSha1"/>, then parses the detail part and checks it against the summary.</summary>
    public static IReadOnlyList<StatementLine> Parse(ReadOnlySpan<byte> file, string expectedSha1)
    {
        if (!string.Equals(Sha1(file), expectedSha1, StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidDataException("The trade bill's SHA1 is not the one given with it.");
        }

        var rows = Encoding.UTF8.GetString(file).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(r => r.TrimEnd('\r')).ToList();
        var summaryAt = rows.FindIndex(1, r => r.StartsWith(SummaryHeader[0], StringComparison.Ordinal));
        if (rows.Count == 0 || !rows[0].StartsWith(DetailHeader[0], StringComparison.Ordinal) || summaryAt < 0 || summaryAt + 1 >= rows.Count)
        {
            throw new InvalidDataException("The trade bill has no detail header or no summary.");
        }

        var column = rows[0].Split(',').Select((name, index) => (name, index)).ToDictionary(c => c.name, c => c.index);
        var lines = new List<StatementLine>(summaryAt - 1);
        long paid = 0, refunded = 0;
        for (var i = 1; i < summaryAt; i++)
        {
            var fields = Fields(rows[i]);
            string Field(string name) => fields[column[name]];
            var at = DateTime.ParseExact(Field("交易时间"), "yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
            var instant = new DateTimeOffset(at, BusinessTime.Zone.GetUtcOffset(at)).ToUniversalTime();
            var isRefund = Field("交易状态") == "REFUND";
            var amount = Amount(Field(isRefund ? "退款金额" : "应结订单金额"));
            if (isRefund)
            {
                refunded += amount;
            }
            else
            {
                paid += amount;
            }

            lines.Add(new StatementLine(Field("商户订单号"), Field("微信订单号"), amount, instant, isRefund ? Field("商户退款单号") : null));
        }

        var totals = Fields(rows[summaryAt + 1]);
        if (long.Parse(totals[0], CultureInfo.InvariantCulture) != lines.Count || Amount(totals[1]) != paid || Amount(totals[2]) != refunded)
        {
            throw new InvalidDataException("The trade bill's summary does not add up to its detail.");
        }

        return lines;
    }

    private static string[] Fields(string row) => [.. row.Split(',').Select(f => f.StartsWith('`') ? f[1..] : f)];

    private static long Amount(string yuan) => Yuan.ToFen(yuan) ?? throw new InvalidDataException("An amount is not in yuan.");
}
