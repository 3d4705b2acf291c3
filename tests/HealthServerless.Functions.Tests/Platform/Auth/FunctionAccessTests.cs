using System.Reflection;
using HealthServerless.Functions.Platform.Auth;
using HealthServerless.Functions.Platform.Idempotency;
using HealthServerless.Functions.Platform.OpenApi;
using Microsoft.Azure.Functions.Worker;

namespace HealthServerless.Functions.Tests.Platform.Auth;

/// <summary>Default deny, checked at build time: every HTTP function of the app says who may call it.</summary>
public sealed class FunctionAccessTests
{
    private static readonly Assembly App = typeof(CompositionRoot).Assembly;

    public static TheoryData<string> HttpFunctionNames() => [.. HttpFunctionCatalog.Discover(App).Select(f => f.Name)];

    [Fact]
    public void The_app_has_http_functions() => Assert.NotEmpty(HttpFunctionCatalog.Discover(App));

    [Theory]
    [MemberData(nameof(HttpFunctionNames))]
    public void Every_http_function_has_AllowAnonymous_or_Authorize_with_known_roles(string name)
    {
        var function = HttpFunctionCatalog.Discover(App).Single(f => f.Name == name);

        var access = FunctionAccess.For(function.Method);

        Assert.True(access.Kind != AccessKind.Misconfigured, $"{function.Method.DeclaringType!.Name}.{function.Method.Name}: {access.Problem}");
    }

    [Theory]
    [MemberData(nameof(HttpFunctionNames))]
    public void Every_http_function_is_anonymous_at_the_host_because_the_app_authenticates(string name)
    {
        var function = HttpFunctionCatalog.Discover(App).Single(f => f.Name == name);

        Assert.Equal(AuthorizationLevel.Anonymous, function.Trigger.AuthLevel);
    }

    [Theory]
    [MemberData(nameof(HttpFunctionNames))]
    public void Idempotent_functions_are_authenticated_posts(string name)
    {
        var function = HttpFunctionCatalog.Discover(App).Single(f => f.Name == name);
        if (!function.Method.IsDefined(typeof(IdempotentAttribute)))
        {
            return;
        }

        Assert.Equal(AccessKind.Authenticated, FunctionAccess.For(function.Method).Kind);
        Assert.Contains("post", function.HttpMethods);
    }

    [Fact]
    public void The_check_catches_a_function_with_neither_attribute() =>
        Assert.Equal(AccessKind.Misconfigured, FunctionAccess.For(SampleFunctions.ForgottenMethod).Kind);

    [Fact]
    public void Roles_of_one_attribute_are_alternatives() =>
        Assert.Equal([["citizen", "staff"]], FunctionAccess.For(SampleFunctions.CreateThingMethod).RoleSets.Select(s => s.Order().ToArray()));
}
