namespace HealthServerless.LocalHost.PaymentSimulators;

/// <summary>The local payment providers (section <c>PaymentSimulators</c>, docs/payments.md, "Simulators").</summary>
public sealed class PaymentSimulatorOptions
{
    public const string Section = "PaymentSimulators";

    /// <summary>Serve the simulators under <c>/sim/{channel}/</c> and point the app's provider adapters at them. ./run turns it on.</summary>
    public bool Enabled { get; set; }

    /// <summary>Multiplies every resend interval: 1 is the providers' real schedule, tests use 0.001 (15 s become 15 ms).</summary>
    public double ResendScale { get; set; } = 1;

    /// <summary>WeChat Pay: 15 s, 15 s, 30 s, 3 m, 10 m, 20 m, 30 m, 30 m, 30 m, 60 m, 3 h, 3 h, 3 h, 6 h, 6 h after the first send.</summary>
    public static IReadOnlyList<TimeSpan> WeChatPaySchedule { get; } =
        [S(15), S(15), S(30), M(3), M(10), M(20), M(30), M(30), M(30), M(60), M(180), M(180), M(180), M(360), M(360)];

    /// <summary>Alipay: 4 m, 10 m, 10 m, 1 h, 2 h, 6 h, 15 h (eight sends within 25 h).</summary>
    public static IReadOnlyList<TimeSpan> AlipaySchedule { get; } = [M(4), M(10), M(10), M(60), M(120), M(360), M(900)];

    /// <summary>The card acquirer and the e-voucher platform (our protocol): 15 s, 1 m, 5 m, 30 m, 2 h.</summary>
    public static IReadOnlyList<TimeSpan> PartnerSchedule { get; } = [S(15), M(1), M(5), M(30), M(120)];

    private static TimeSpan S(int seconds) => TimeSpan.FromSeconds(seconds);

    private static TimeSpan M(int minutes) => TimeSpan.FromMinutes(minutes);
}

/// <summary>
/// How the simulator misbehaves for one payment, on request: <see cref="Drop"/> sends no callback at
/// all (the pending-payment query or reconciliation must find it); <see cref="Duplicates"/> sends the
/// notice again that many times after it was taken; <see cref="Delay"/> waits before the first send;
/// <see cref="HoldForNext"/> holds it until the channel's next payment was sent (reordering).
/// <see cref="RefuseFirst"/>: the first N sends go unanswered (as if lost), so the resend schedule runs.
/// </summary>
public sealed record PayInstruction(bool Drop = false, int Duplicates = 0, TimeSpan? Delay = null, bool HoldForNext = false, int RefuseFirst = 0, string? CardNumber = null);
