using HealthServerless.Core.Payments;
using HealthServerless.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace HealthServerless.EndToEnd.Tests.Settlement;

/// <summary>
/// The app on a fake clock (a week before the sessions the tests book) with Payments' side of the
/// seam recorded: these tests are about settlement, and what crosses the seam is what they check.
/// </summary>
public class SettlementHost : AppHostBase
{
    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 24, 8, 0, 0, TimeSpan.FromHours(8)));

    public RecordingPaymentGateway Gateway { get; } = new();

    protected override TimeProvider Clock => Time;

    protected override void AddSettings(Dictionary<string, string?> settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings["Settlement:InstitutionLevels:H001"] = "1";
    }

    protected override void OverrideServices(IServiceCollection services) => services.AddSingleton<IPaymentGateway>(Gateway);
}
