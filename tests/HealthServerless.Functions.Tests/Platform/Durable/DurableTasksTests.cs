using HealthServerless.Functions.Alerts;
using HealthServerless.Functions.Dispensing;
using HealthServerless.Functions.Licensing;
using HealthServerless.Functions.Platform.Durable;
using HealthServerless.LocalHost.Catalog;
using Microsoft.DurableTask;

namespace HealthServerless.Functions.Tests.Platform.Durable;

public sealed class DurableTasksTests
{
    [Fact]
    public void Every_durable_function_the_host_sees_is_registered_for_a_bare_worker_under_the_same_name()
    {
        var catalog = FunctionCatalog.Load(Path.Combine(AppContext.BaseDirectory, "functions.metadata"));
        var hosted = catalog.WithTrigger("orchestrationTrigger").Concat(catalog.WithTrigger("activityTrigger")).Select(f => f.Name).Order(StringComparer.Ordinal);

        var declared = DurableTasks.Declared();

        Assert.Equal(hosted, declared.Select(d => d.Name).Order(StringComparer.Ordinal));
        Assert.Contains(declared, d => d == (LicenceApprovalV1.Name, typeof(LicenceApprovalV1)));
        Assert.Contains(declared, d => d == (CheckLicenceCompletenessActivity.Name, typeof(CheckLicenceCompletenessActivity)));
        Assert.Contains(declared, d => d == (PrescriptionRoutingV1.Name, typeof(PrescriptionRoutingV1)));
        Assert.Contains(declared, d => d == (AlertFanOutV1.Name, typeof(AlertFanOutV1)));
        Assert.Contains(declared, d => d == (NotifyAlertBatchActivity.Name, typeof(NotifyAlertBatchActivity)));
        Assert.Contains(declared, d => d == (Functions.Booking.BookingPaymentHoldV1.Name, typeof(Functions.Booking.BookingPaymentHoldV1)));
        Assert.All(declared.Where(d => !typeof(ITaskOrchestrator).IsAssignableFrom(d.Type)), d => Assert.True(typeof(ITaskActivity).IsAssignableFrom(d.Type), d.Name));
    }

    [Fact]
    public void The_registry_accepts_every_declared_task()
    {
        var registry = new DurableTaskRegistry();

        DurableTasks.Register(registry);

        // Registering a name twice throws: each wrapper maps to one task.
        Assert.Throws<ArgumentException>(() => registry.AddActivity(OpenLicenceStepActivity.Name, _ => throw new InvalidOperationException()));
    }
}
