using System.Text.RegularExpressions;

namespace HealthServerless.LocalHost.Catalog;

/// <summary>Binding values like <c>%Booking:ReminderQueue%</c> name an app setting, as under the Functions host.</summary>
public static partial class AppSettingExpressions
{
    public static string Resolve(string value, IConfiguration configuration) =>
        Setting().Replace(value, match => configuration[match.Groups[1].Value]
            ?? throw new InvalidOperationException($"App setting '{match.Groups[1].Value}' used in a binding is not set."));

    [GeneratedRegex("%([^%]+)%")]
    private static partial Regex Setting();
}
