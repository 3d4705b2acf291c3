using System.Globalization;
using System.Text;
using HealthServerless.Core.Common;

namespace HealthServerless.Core.Payments;

/// <summary>
/// Alipay's daily business detail (账务明细, docs/payments.md, "Statements"), in the shape of the
/// CSV inside Alipay's download: <c>#</c> comment lines before and after, one header row, amounts
/// in yuan; UTF-8 here where Alipay's file is GBK. Refund rows have 业务类型 退款 and the refund's
/// request number.
/// </summary>
public static class AlipayBill
{
    private const string Header = "支付宝交易号,商户订单号,业务类型,商品名称,创建时间,完成时间,订单金额（元）,商家实收（元）,退款批次号/请求号";

    public static byte[] Write(string sellerId, DateOnly day, IEnumerable<StatementLine> lines)
    {
        ArgumentNullException.ThrowIfNull(lines);
        var text = new StringBuilder();
        text.Append("#支付宝业务明细查询\r\n#账号：[").Append(sellerId).Append("]\r\n#起始日期：[").Append(BusinessTime.DateKey(day)).Append(" 00:00:00]\r\n");
        text.Append(Header).Append("\r\n");
        var count = 0;
        foreach (var line in lines)
        {
            count++;
            var at = TimeZoneInfo.ConvertTime(line.At, BusinessTime.Zone).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
            var amount = Yuan.FromFen(line.AmountFen);
            text.Append(string.Join(',', line.TransactionId, line.OrderId, line.IsRefund ? "退款" : "交易", "诊疗费用", at, at,
                line.IsRefund ? "0.00" : amount, line.IsRefund ? "-" + amount : amount, line.RefundId ?? "")).Append("\r\n");
        }

        text.Append("#-----------------------------------------业务明细列表结束------------------------------------\r\n");
        text.Append("#交易合计：").Append(count.ToString(CultureInfo.InvariantCulture)).Append("笔\r\n");
        return Encoding.UTF8.GetBytes(text.ToString());
    }

    public static IReadOnlyList<StatementLine> Parse(ReadOnlySpan<byte> file)
    {
        var rows = Encoding.UTF8.GetString(file).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(r => r.TrimEnd('\r')).Where(r => !r.StartsWith('#')).ToList();
        if (rows.Count == 0 || rows[0] != Header)
        {
            throw new InvalidDataException("The Alipay statement has no header row.");
        }

        return [.. rows.Skip(1).Select(row =>
        {
            var f = row.Split(',');
            var at = DateTime.ParseExact(f[5], "yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
            var isRefund = f[2] == "退款";
            var amount = Yuan.ToFen(f[7].TrimStart('-')) ?? throw new InvalidDataException("An amount is not in yuan.");
            return new StatementLine(f[1], f[0], amount, new DateTimeOffset(at, BusinessTime.Zone.GetUtcOffset(at)).ToUniversalTime(), isRefund ? f[8] : null);
        })];
    }
}

/// <summary>
/// The bank-card acquirer's and the e-voucher platform's daily statement (our own format,
/// docs/payments.md, "Statements"): CSV <c>order_id,transaction_id,kind,amount_fen,at,refund_id</c>
/// with a header row, kind <c>payment</c> or <c>refund</c>, amounts in fen, instants ISO 8601 UTC,
/// and a last row <c>total,{rows},{net fen}</c> that must add up.
/// </summary>
public static class PartnerStatement
{
    private const string Header = "order_id,transaction_id,kind,amount_fen,at,refund_id";

    public static byte[] Write(IEnumerable<StatementLine> lines)
    {
        ArgumentNullException.ThrowIfNull(lines);
        var text = new StringBuilder(Header).Append('\n');
        long count = 0, net = 0;
        foreach (var line in lines)
        {
            count++;
            net += line.IsRefund ? -line.AmountFen : line.AmountFen;
            text.Append(CultureInfo.InvariantCulture, $"{line.OrderId},{line.TransactionId},{(line.IsRefund ? "refund" : "payment")},{line.AmountFen},{line.At.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ},{line.RefundId}\n");
        }

        return Encoding.UTF8.GetBytes(text.Append(CultureInfo.InvariantCulture, $"total,{count},{net}\n").ToString());
    }

    public static IReadOnlyList<StatementLine> Parse(ReadOnlySpan<byte> file)
    {
        var rows = Encoding.UTF8.GetString(file).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        if (rows.Length < 2 || rows[0] != Header || !rows[^1].StartsWith("total,", StringComparison.Ordinal))
        {
            throw new InvalidDataException("The statement has no header or no total row.");
        }

        var lines = rows[1..^1].Select(row =>
        {
            var f = row.Split(',');
            return new StatementLine(f[0], f[1], long.Parse(f[3], CultureInfo.InvariantCulture),
                DateTimeOffset.Parse(f[4], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal).ToUniversalTime(), f[2] == "refund" ? f[5] : null);
        }).ToList();
        var total = rows[^1].Split(',');
        if (long.Parse(total[1], CultureInfo.InvariantCulture) != lines.Count
            || long.Parse(total[2], CultureInfo.InvariantCulture) != lines.Sum(l => l.IsRefund ? -l.AmountFen : l.AmountFen))
        {
            throw new InvalidDataException("The statement's total row does not add up.");
        }

        return lines;
    }
}
