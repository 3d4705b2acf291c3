using HealthServerless.Core.Payments;
using HealthServerless.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;

namespace HealthServerless.EndToEnd.Tests.Payments;

/// <summary>
/// The app in the local host with its payment simulators on (resends a thousand times faster), on a
/// fake clock the tests move (the timers follow it), and settlement's recording double on the far
/// side of the payments seam.
/// </summary>
public class PaymentsHost : AppHostBase
{
    public PaymentsHost()
        : this(new DateTimeOffset(2026, 12, 1, 10, 0, 0, TimeSpan.FromHours(8)))
    {
    }

    protected PaymentsHost(DateTimeOffset start) => Time = new FakeTimeProvider(start);

    public FakeTimeProvider Time { get; }

    public RecordingSettlement Settlement { get; } = new();

    protected override TimeProvider Clock => Time;

    protected override void AddSettings(Dictionary<string, string?> settings)
    {
        settings["PaymentSimulators:Enabled"] = "true";
        settings["PaymentSimulators:ResendScale"] = "0.001";
        settings["Payments:LocalKeyFile"] = Path.Combine(Path.GetDirectoryName(settings["Sqlite:Path"])!, "keys", "payments.json");
        settings["Payments:QueryPendingAfter"] = QueryPendingAfter.ToString();
    }

    protected virtual TimeSpan QueryPendingAfter => TimeSpan.FromMinutes(5);

    protected override void OverrideServices(IServiceCollection services)
    {
        services.RemoveAll<IPaymentOutcomes>();
        services.RemoveAll<ISettlementDayBook>();
        services.RemoveAll<IInsuranceStatements>();
        services.AddSingleton<IPaymentOutcomes>(Settlement);
        services.AddSingleton<ISettlementDayBook>(Settlement);
        services.AddSingleton<IInsuranceStatements>(Settlement);
    }
}

/// <summary>
/// As <see cref="PaymentsHost"/>, with the pending-payment query out of the way, so only reconciliation can find a dropped callback.
/// It starts at 13:00 in Shanghai, after the day's reconciliation runs (10:00–12:00), so moving to 09:00 the next
/// morning passes no run of the reconciliation timer: only the operator's request reconciles.
/// </summary>
public sealed class ReconciliationHost() : PaymentsHost(new DateTimeOffset(2026, 12, 1, 13, 0, 0, TimeSpan.FromHours(8)))
{
    protected override TimeSpan QueryPendingAfter => TimeSpan.FromDays(3);
}
