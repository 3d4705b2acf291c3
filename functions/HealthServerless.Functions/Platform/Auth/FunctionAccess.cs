using System.Reflection;
using System.Security.Claims;
using HealthServerless.Core.Common;
using Microsoft.AspNetCore.Authorization;

namespace HealthServerless.Functions.Platform.Auth;

public enum AccessKind
{
    /// <summary><c>[AllowAnonymous]</c>: public.</summary>
    Anonymous,

    /// <summary><c>[Authorize]</c>: a valid token, and one of the roles of each attribute that lists roles.</summary>
    Authenticated,

    /// <summary>Neither attribute, both, or one we cannot honour: a programming error, answered 500.</summary>
    Misconfigured,
}

/// <summary>
/// Who may call a function, read from the attributes on its method. Default deny: a method
/// must say <c>[AllowAnonymous]</c> or <c>[Authorize]</c> explicitly; forgetting both does not
/// make an endpoint public. Only method attributes count, so each function's rule is visible
/// where the function is. Roles must be from <see cref="Core.Common.Roles"/>, so a misspelt
/// role fails the tests instead of locking everyone out.
/// </summary>
public sealed class FunctionAccess
{
    private FunctionAccess(AccessKind kind, IReadOnlyList<IReadOnlySet<string>> roleSets, string? problem)
    {
        Kind = kind;
        RoleSets = roleSets;
        Problem = problem;
    }

    public AccessKind Kind { get; }

    /// <summary>One set per <c>[Authorize(Roles = ...)]</c>; the caller needs a role from every set.</summary>
    public IReadOnlyList<IReadOnlySet<string>> RoleSets { get; }

    /// <summary>Why the rule is <see cref="AccessKind.Misconfigured"/> (for logs and tests).</summary>
    public string? Problem { get; }

    public bool Allows(ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        return Kind == AccessKind.Authenticated && RoleSets.All(set => set.Any(user.IsInRole));
    }

    public static FunctionAccess For(MethodInfo? method)
    {
        if (method is null)
        {
            return Misconfigured("the function's entry point names no method");
        }

        var anonymous = method.GetCustomAttributes<AllowAnonymousAttribute>().Any();
        var authorize = method.GetCustomAttributes<AuthorizeAttribute>().ToList();
        if (anonymous && authorize.Count > 0)
        {
            return Misconfigured("both [AllowAnonymous] and [Authorize]");
        }

        if (anonymous)
        {
            return new FunctionAccess(AccessKind.Anonymous, [], null);
        }

        if (authorize.Count == 0)
        {
            return Misconfigured("neither [AllowAnonymous] nor [Authorize]");
        }

        if (authorize.Any(a => a.Policy is not null || a.AuthenticationSchemes is not null))
        {
            return Misconfigured("[Authorize] with a policy or scheme, which only Roles are supported");
        }

        var roleSets = new List<IReadOnlySet<string>>();
        foreach (var attribute in authorize.Where(a => !string.IsNullOrWhiteSpace(a.Roles)))
        {
            var roles = attribute.Roles!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal);
            var unknown = roles.Where(r => !Roles.All.Contains(r)).ToList();
            if (unknown.Count > 0)
            {
                return Misconfigured($"unknown role(s) {string.Join(", ", unknown)}");
            }

            roleSets.Add(roles);
        }

        return new FunctionAccess(AccessKind.Authenticated, roleSets, null);
    }

    private static FunctionAccess Misconfigured(string problem) => new(AccessKind.Misconfigured, [], problem);
}
