using HealthServerless.Infra.Tests.Arm;

namespace HealthServerless.Infra.Tests;

/// <summary>Events leave on topics; each partner reads its own filtered subscription and nothing else.</summary>
public sealed class ServiceBusTests
{
    private static readonly IReadOnlyList<ArmResource> Subscriptions =
        ArmTemplate.Compiled.Deploy("Microsoft.ServiceBus/namespaces/topics/subscriptions", Samples.WithPartners);

    [Fact]
    public void Topics_prescriptions_alerts_and_notifications_drop_duplicate_messages()
    {
        var topics = ArmTemplate.Compiled.Deploy("Microsoft.ServiceBus/namespaces/topics");

        Assert.Equal(["alerts", "notifications", "prescriptions"], topics.Select(t => t.ShortName).Order(StringComparer.Ordinal));
        Assert.All(topics, t => Assert.True(t.Flag("properties.requiresDuplicateDetection"), $"{t.ShortName}: duplicate detection off"));
    }

    [Fact]
    public void Each_partner_gets_one_subscription_on_its_topic_that_dead_letters_what_it_cannot_deliver()
    {
        Assert.Equal(
            ["alerts/cdc-east", "notifications/city-gateway", "prescriptions/pharmacy-001", "prescriptions/pharmacy-002"],
            Subscriptions.Select(s => string.Join('/', s.Name.Split('/')[^2..])).Order(StringComparer.Ordinal));
        Assert.All(Subscriptions, s =>
        {
            Assert.True(s.Flag("properties.deadLetteringOnMessageExpiration"), $"{s.Name}: expired messages are dropped");
            Assert.True(s.Flag("properties.deadLetteringOnFilterEvaluationExceptions"), $"{s.Name}: filter errors are dropped");
        });
    }

    [Fact]
    public void Prescription_subscriptions_deliver_each_prescription_in_order()
    {
        Assert.All(Subscriptions, s => Assert.Equal(s.Name.Split('/')[^2] == "prescriptions", s.Flag("properties.requiresSession")));
    }

    [Fact]
    public void A_partner_subscription_holds_only_what_its_filter_selects()
    {
        var rules = ArmTemplate.Compiled.Deploy("Microsoft.ServiceBus/namespaces/topics/subscriptions/rules", Samples.WithPartners);

        // One rule per subscription, and it is the one that replaces the catch-all $Default rule.
        Assert.Equal(Subscriptions.Select(s => s.Name + "/$Default").Order(StringComparer.Ordinal), rules.Select(r => r.Name).Order(StringComparer.Ordinal));
        Assert.All(rules, r => Assert.Equal("SqlFilter", r.Text("properties.filterType")));
        Assert.Equal(
            ["partnerid = 'pharmacy-001'", "partnerid = 'pharmacy-002'", "recipientkind IN ('healthcode', 'subject')", "region = 'east'"],
            rules.Select(r => r.Text("properties.sqlFilter.sqlExpression")!).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_partner_principal_may_only_receive_and_only_from_its_own_subscription()
    {
        var partnerRoles = Samples.RoleAssignments(Samples.WithPartners)
            .Where(r => r.Text("properties.principalId") is Samples.Pharmacy1Principal or Samples.CdcPrincipal or Samples.GatewayPrincipal)
            .ToList();

        Assert.Equal(3, partnerRoles.Count);
        Assert.All(partnerRoles, r => Assert.Equal("Azure Service Bus Data Receiver", Samples.RoleOf(r)));
        var pharmacy = Assert.Single(partnerRoles, r => r.Text("properties.principalId") == Samples.Pharmacy1Principal);
        Assert.EndsWith("/topics/prescriptions/subscriptions/pharmacy-001", pharmacy.Text("scope"), StringComparison.Ordinal);
        var cdc = Assert.Single(partnerRoles, r => r.Text("properties.principalId") == Samples.CdcPrincipal);
        Assert.EndsWith("/topics/alerts/subscriptions/cdc-east", cdc.Text("scope"), StringComparison.Ordinal);
        var gateway = Assert.Single(partnerRoles, r => r.Text("properties.principalId") == Samples.GatewayPrincipal);
        Assert.EndsWith("/topics/notifications/subscriptions/city-gateway", gateway.Text("scope"), StringComparison.Ordinal);
    }

    [Fact]
    public void A_partner_without_a_principal_gets_its_subscription_but_no_access()
    {
        var principals = Samples.RoleAssignments(Samples.WithPartners).Select(r => r.Text("properties.principalId")).Distinct();

        Assert.Equal(
            [Samples.Pharmacy1Principal, Samples.CdcPrincipal, Samples.GatewayPrincipal, Samples.AppPrincipal],
            principals.Order(StringComparer.Ordinal));
    }
}
