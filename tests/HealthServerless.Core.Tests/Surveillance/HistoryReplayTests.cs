using System.Text;
using HealthServerless.Core.Common;
using HealthServerless.Core.Surveillance;

namespace HealthServerless.Core.Tests.Surveillance;

public sealed class HistoryReplayTests
{
    private static string Csv(int days, Func<int, string> line)
    {
        var text = new StringBuilder(HistoryReplay.Header).Append('\n');
        for (var i = 0; i < days; i++)
        {
            text.Append(line(i)).Append('\n');
        }

        return text.ToString();
    }

    [Fact]
    public void Replaying_a_history_lists_each_methods_statistic_threshold_and_alarm_per_day()
    {
        var start = new DateOnly(2026, 10, 1);
        double[] sales = [100, 95, 105, 98, 102, 97, 103];
        var csv = Csv(20, i => $"{start.AddDays(i):yyyy-MM-dd},徐汇区,sales.antipyretic,{(i == 19 ? 300 : sales[i % 7])}")
            + Csv(20, i => $"{start.AddDays(i):yyyy-MM-dd},徐汇区,syndromic.fever-clinic,{(i == 19 ? 70 : 20 + (i % 3))}")[(HistoryReplay.Header.Length + 1)..];

        var rows = HistoryReplay.Run(HistoryReplay.Parse(new StringReader(csv)), new SurveillanceOptions().WithDefaults());

        var last = start.AddDays(19);
        Assert.DoesNotContain(rows, r => r.Alarm && r.Day < last);
        Assert.Contains(rows, r => r is { Series: "sales.antipyretic", Method: Methods.EarsC1, Alarm: true } && r.Day == last);
        var c1 = rows.Single(r => r.Series == "sales.antipyretic" && r.Method == Methods.EarsC1 && r.Day == start.AddDays(7));
        Assert.Equal(3.090232, c1.Threshold, 5);
        var multi = rows.Single(r => r.Method == HistoryReplay.MultiPoint && r.Day == last);
        Assert.Equal(("syndrome.ili", 2.0, true), (multi.Series, multi.Observed, multi.Alarm));
        Assert.StartsWith("2026-10-20,徐汇区,sales.antipyretic,ears-c1,300,", HistoryReplay.Format(rows.Single(r => r.Day == last && r.Method == Methods.EarsC1 && r.Series == "sales.antipyretic")), StringComparison.Ordinal);
    }

    [Fact]
    public void Bad_history_lines_are_reported_by_line_number()
    {
        var csv = HistoryReplay.Header + "\n2026-10-01,徐汇区,sales.antipyretic,3\n2026-13-01,徐汇区,sales.antipyretic,3\n2026-10-02,徐汇区,pizza,1\n";

        var refused = Assert.Throws<DomainException>(() => HistoryReplay.Parse(new StringReader(csv)));

        Assert.Equal(["lines[3]", "lines[4]"], refused.Errors.Keys.Order(StringComparer.Ordinal));
    }
}
