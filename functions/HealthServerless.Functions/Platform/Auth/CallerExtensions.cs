using System.Security.Claims;
using HealthServerless.Core.Common;
using Microsoft.AspNetCore.Http;
using Microsoft.IdentityModel.JsonWebTokens;

namespace HealthServerless.Functions.Platform.Auth;

/// <summary><c>req.Caller()</c>: the authenticated caller, for Core's scope checks.</summary>
public static class CallerExtensions
{
    private const string ItemKey = "HealthServerless.Caller";

    /// <summary>
    /// The caller the authentication middleware accepted. Only for <c>[Authorize]</c> functions:
    /// on an anonymous one there is no caller, and asking for one is a programming error.
    /// </summary>
    public static Caller Caller(this HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var http = request.HttpContext;
        if (http.Items.TryGetValue(ItemKey, out var cached) && cached is Caller caller)
        {
            return caller;
        }

        caller = http.User.ToCaller() ?? throw new InvalidOperationException("No authenticated caller: the function is not [Authorize].");
        http.Items[ItemKey] = caller;
        return caller;
    }

    /// <summary>The caller a validated principal describes, or null when it is not authenticated.</summary>
    public static Caller? ToCaller(this ClaimsPrincipal principal)
    {
        ArgumentNullException.ThrowIfNull(principal);
        var subject = principal.FindFirst(JwtRegisteredClaimNames.Sub)?.Value;
        if (principal.Identity?.IsAuthenticated != true || string.IsNullOrWhiteSpace(subject))
        {
            return null;
        }

        return new Caller(
            subject,
            principal.FindAll(ScopeClaims.Roles).Select(c => c.Value),
            principal.FindFirst(ScopeClaims.InstitutionId)?.Value,
            principal.FindFirst(ScopeClaims.PharmacyId)?.Value,
            principal.FindFirst(ScopeClaims.ResidentCode)?.Value,
            principal.FindFirst(ScopeClaims.Jurisdiction)?.Value);
    }
}
