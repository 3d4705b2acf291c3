using System.Text.Json;
using HealthServerless.Core.Events;

namespace HealthServerless.Azure.Tests.Events;

internal static class Samples
{
    public static CloudEvent Prescription(string id = "evt-0001") => new(
        id,
        "/healthserverless/prescriptions",
        "cn.healthserverless.prescription.issued",
        "rx-20261124-0001",
        new DateTimeOffset(2026, 11, 24, 16, 30, 0, TimeSpan.FromHours(8)),
        JsonSerializer.SerializeToElement(new { resourceType = "MedicationRequest", id = "rx-20261124-0001", status = "active", note = "每日三次" }),
        "application/fhir+json");

    public static IReadOnlyDictionary<string, string> Routing { get; } =
        new Dictionary<string, string> { ["partnerid"] = "pharmacy-001", ["region"] = "east" };
}
