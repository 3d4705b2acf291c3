using HealthServerless.Core.Identity;

namespace HealthServerless.LocalHost.Demo;

/// <summary>
/// What the demo seeds, fixed so every run asks for the same things: the subjects ./run prints
/// tokens for, the physicians and sessions of institution H001, the demo citizen's household
/// and two licence applications. Every person here is made up; the resident ID numbers are
/// synthetic (valid check characters, so the app accepts them) and are only ever shown masked.
/// </summary>
internal static class DemoData
{
    public const string InstitutionId = "H001";

    public const string Citizen = "demo-citizen";
    public const string Staff = "demo-staff";
    public const string Reviewer = "demo-reviewer";
    public const string Approver = "demo-approver";
    public const string NurseApplicant = "demo-nurse";
    public const string PhysicianApplicant = "demo-physician";
    public const string Pharmacist = "demo-pharmacist";
    public const string Admin = "demo-admin";

    /// <summary>Partner pharmacy P001 and the subject of its system's token.</summary>
    public const string PharmacyId = "P001";
    public const string PharmacySystem = "p001-system";

    /// <summary>The session id of the licensed demo physician (李演示, DEMO-P-0001), whose clinic visit precedes the follow-up.</summary>
    public const string PrescriberPhysicianId = "D05";

    /// <summary>Amlodipine, dispensed by P001; nifedipine, waiting for the pharmacist. Neither is restricted online.</summary>
    public const string DispensedDrug = "D0001";
    public const string WaitingDrug = "D0002";

    /// <summary>Today and the next three Asia/Shanghai business dates.</summary>
    public const int SessionDays = 4;

    public const string InstitutionName = "演示市第一人民医院";

    // D01 is left to the README tour, which publishes a D01 session itself.
    public static IReadOnlyList<DemoPhysician> Physicians { get; } =
    [
        new("D02", "Dr Chen", "General Medicine"),
        new("D03", "Dr Zhao", "Paediatrics"),
    ];

    public static IReadOnlyList<DemoPeriod> Periods { get; } =
    [
        new("am", [new(8, 9), new(9, 10), new(10, 11)]),
        new("pm", [new(14, 15), new(15, 16), new(16, 17)]),
    ];

    public static IReadOnlyList<DemoResident> Household { get; } =
    [
        new("张演示", ResidentId.Synthetic(new DateOnly(1988, 8, 8), 81), "Self"),
        new("张小演", ResidentId.Synthetic(new DateOnly(2016, 6, 1), 82), "Child"),
    ];

    // A well-known service number, not a person's.
    public const string Mobile = "13800138000";

    public static DemoApplication Nurse { get; } = new("nurse", "NursePractice", NurseApplicant,
        new Dictionary<string, string>
        {
            ["name"] = "王演示",
            ["qualificationNumber"] = "DEMO-N-0001",
            ["institutionName"] = InstitutionName,
            ["practiceScope"] = "Nursing",
        });

    public static DemoApplication Physician { get; } = new("physician", "PhysicianPractice", PhysicianApplicant,
        new Dictionary<string, string>
        {
            ["name"] = "李演示",
            ["qualificationNumber"] = "DEMO-P-0001",
            ["practiceCategory"] = "Clinical",
            ["practiceScope"] = "Internal medicine",
            ["institutionName"] = InstitutionName,
        });
}

internal sealed record DemoPhysician(string Id, string Name, string Department);

internal sealed record DemoSlot(int StartHour, int EndHour);

internal sealed record DemoPeriod(string Name, IReadOnlyList<DemoSlot> Slots);

internal sealed record DemoResident(string Name, string ResidentIdNumber, string Relationship);

/// <param name="Key">Names the application in the state file and in Idempotency-Keys.</param>
internal sealed record DemoApplication(string Key, string Type, string Applicant, IReadOnlyDictionary<string, string> Fields);
