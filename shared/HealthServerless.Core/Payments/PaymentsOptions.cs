using System.ComponentModel.DataAnnotations;

namespace HealthServerless.Core.Payments;

/// <summary>Payment rules (section <c>Payments</c>).</summary>
public sealed class PaymentsOptions
{
    public const string Section = "Payments";

    /// <summary>How long an order may stay Pending before the timer asks the provider (a callback may have been lost).</summary>
    public TimeSpan QueryPendingAfter { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How many pending orders one timer run asks about at most (bounded work per run).</summary>
    [Range(1, 10_000)]
    public int QueryBatchSize { get; set; } = 200;
}
