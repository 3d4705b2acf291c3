using System.Globalization;

namespace HealthServerless.EndToEnd.Tests.Dispensing;

/// <summary>
/// The app with three partner pharmacies seeded from configuration (P01–P03, designated, open
/// round the clock, P02 delivers). Durable timers run on real time, so the app does too.
/// </summary>
public class DispensingHost : AppHostBase
{
    /// <summary>P03 has a signed webhook on this loopback port (the test listens on it).</summary>
    public int WebhookPort { get; } = Testing.EmulatorProcess.FreePort();

    /// <summary>A test value, generated per run; never a real secret.</summary>
    public string WebhookSecret { get; } = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(24));

    protected override TimeProvider Clock => TimeProvider.System;

    protected override void AddSettings(Dictionary<string, string?> settings)
    {
        settings["Logging:LogLevel:Default"] = "Warning";
        settings["Dispensing:Webhooks:P03:Url"] = $"http://127.0.0.1:{WebhookPort}/rx-events/";
        settings["Dispensing:Webhooks:P03:Secret"] = WebhookSecret;
        for (var i = 0; i < 3; i++)
        {
            var prefix = $"Dispensing:Pharmacies:{i}:";
            settings[prefix + "Id"] = "P0" + (i + 1).ToString(CultureInfo.InvariantCulture);
            settings[prefix + "Name"] = $"第{i + 1}药房";
            settings[prefix + "District"] = "徐汇区";
            settings[prefix + "Latitude"] = (31.21 + (i * 0.01)).ToString(CultureInfo.InvariantCulture);
            settings[prefix + "Longitude"] = "121.40";
            settings[prefix + "InsuranceDesignated"] = "true";
            settings[prefix + "Delivers"] = i == 1 ? "true" : "false";
            settings[prefix + "Opens"] = "00:00";
            settings[prefix + "Closes"] = "00:00";
        }
    }
}
