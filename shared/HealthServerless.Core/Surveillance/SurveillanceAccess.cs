using HealthServerless.Core.Alerts;
using HealthServerless.Core.Common;

namespace HealthServerless.Core.Surveillance;

/// <summary>
/// Who may read what surveillance holds: a district's signals and candidates are its own CDC's
/// and the city's and province's officials' (the jurisdictions alerts use, docs/alerts.md);
/// parked messages may hold any district's lines, so only the city level and operators read them.
/// </summary>
public static class SurveillanceAccess
{
    public static void RequireDistrict(Caller caller, string district)
    {
        if (!Jurisdictions.Covers(caller, district))
        {
            throw DomainException.Forbidden("jurisdiction-scope", "The district is outside the caller's jurisdiction.");
        }
    }

    public static void RequireCity(Caller caller) => RequireDistrict(caller, Jurisdictions.City);
}
