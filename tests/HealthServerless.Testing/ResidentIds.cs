namespace HealthServerless.Testing;

/// <summary>Synthetic, valid resident ID numbers (Beijing Dongcheng, born 1980–2009) for tests and benchmarks.</summary>
public static class ResidentIds
{
    public static string Make(int serial)
    {
        // Serial → (birth day, sequence) is one-to-one for the first ten million serials.
        var birth = new DateOnly(1980, 1, 1).AddDays(serial / 1000);
        var body = $"110101{birth:yyyyMMdd}{serial % 1000:D3}";
        int[] weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
        var sum = body.Select((c, i) => (c - '0') * weights[i]).Sum();
        return body + "10X98765432"[sum % 11];
    }
}
