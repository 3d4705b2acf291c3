using HealthServerless.Core.Prescriptions;
using HealthServerless.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace HealthServerless.EndToEnd.Tests.Prescriptions;

/// <summary>
/// The app on a fake clock (a week before the visits the tests book), with dispensing's side of
/// the hand-over recorded: these tests are about prescribing, and what crosses the seam is
/// exactly what they check. Registered after the app's own, it also replaces Dispensing's.
/// </summary>
public sealed class PrescriptionHost : AppHostBase
{
    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 24, 8, 0, 0, TimeSpan.FromHours(8)));

    public RecordingPrescriptionRouting Routing { get; } = new();

    protected override TimeProvider Clock => Time;

    protected override void OverrideServices(IServiceCollection services) => services.AddSingleton<IPrescriptionRouting>(Routing);
}
