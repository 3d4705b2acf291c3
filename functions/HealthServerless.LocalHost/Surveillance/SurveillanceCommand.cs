using System.Globalization;
using HealthServerless.Core.Common;
using HealthServerless.Core.Surveillance;

namespace HealthServerless.LocalHost.Surveillance;

/// <summary>
/// <c>surveillance replay FILE.csv [--from yyyy-MM-dd] [--alarms-only]</c>: detection on a history
/// of daily counts (<c>date,district,series,count</c>) with the settings of section
/// <c>Surveillance</c> (appsettings.json, environment), printed as CSV — every method's statistic,
/// threshold and alarm per district, series and day, and the multi-point rule's verdict. Needs no
/// running host; nothing is stored (docs/surveillance.md, "Replay").
/// </summary>
public static class SurveillanceCommand
{
    private const string Usage = "Usage: surveillance replay FILE.csv [--from yyyy-MM-dd] [--alarms-only]";

    public static async Task<int> RunAsync(string[] args, IConfiguration configuration, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        if (args.Length < 3 || args[1] != "replay")
        {
            await error.WriteLineAsync(Usage);
            return 2;
        }

        DateOnly? from = null;
        var alarmsOnly = false;
        for (var i = 3; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--from" when i + 1 < args.Length && DateOnly.TryParseExact(args[i + 1], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day):
                    from = day;
                    i++;
                    break;
                case "--alarms-only":
                    alarmsOnly = true;
                    break;
                default:
                    await error.WriteLineAsync($"Unknown option {args[i]}. {Usage}");
                    return 2;
            }
        }

        if (!File.Exists(args[2]))
        {
            await error.WriteLineAsync($"surveillance: no file {args[2]}");
            return 2;
        }

        var options = (configuration.GetSection(SurveillanceOptions.Section).Get<SurveillanceOptions>() ?? new SurveillanceOptions()).WithDefaults();
        IReadOnlyList<ReplayRow> rows;
        try
        {
            using var csv = File.OpenText(args[2]);
            rows = HistoryReplay.Run(HistoryReplay.Parse(csv), options, from, alarmsOnly);
        }
        catch (DomainException refused)
        {
            await error.WriteLineAsync($"surveillance: {refused.Detail}");
            foreach (var (line, messages) in refused.Errors)
            {
                await error.WriteLineAsync($"  {line}: {string.Join(" ", messages)}");
            }

            return 1;
        }

        await output.WriteLineAsync("date,district,series,method,observed,statistic,threshold,alarm");
        foreach (var row in rows)
        {
            await output.WriteLineAsync(HistoryReplay.Format(row));
        }

        return 0;
    }
}
