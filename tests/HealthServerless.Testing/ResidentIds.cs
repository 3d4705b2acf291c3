using HealthServerless.Core.Identity;

namespace HealthServerless.Testing;

/// <summary>Synthetic, valid resident ID numbers (Beijing Dongcheng, born 1980–2009) for tests and benchmarks.</summary>
public static class ResidentIds
{
    // Serial → (birth day, sequence) is one-to-one for the first ten million serials.
    public static string Make(int serial) => ResidentId.Synthetic(new DateOnly(1980, 1, 1).AddDays(serial / 1000), serial % 1000);
}
