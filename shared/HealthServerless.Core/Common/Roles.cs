namespace HealthServerless.Core.Common;

/// <summary>
/// The roles a token can carry. Constants, not an enum, because they
/// travel as strings in the <c>roles</c> claim and in <c>[Authorize(Roles = ...)]</c>.
/// </summary>
public static class Roles
{
    public const string Citizen = "citizen";
    public const string Staff = "staff";
    public const string Physician = "physician";
    public const string Pharmacist = "pharmacist";
    public const string Pharmacy = "pharmacy";
    public const string Reviewer = "reviewer";
    public const string Approver = "approver";
    public const string Cdc = "cdc";
    public const string Admin = "admin";

    public static IReadOnlyList<string> All { get; } =
        [Citizen, Staff, Physician, Pharmacist, Pharmacy, Reviewer, Approver, Cdc, Admin];
}
