using System.Collections.Immutable;
using System.Diagnostics.Metrics;
using HealthServerless.Core.Telemetry;
using HealthServerless.Functions.Platform.Telemetry;
using Microsoft.Azure.Functions.Worker;

namespace HealthServerless.Functions.Tests.Platform.Telemetry;

public sealed class TelemetryMiddlewareTests
{
    [Fact]
    public async Task A_durable_activity_records_its_duration_by_name_and_other_triggers_record_nothing()
    {
        var recorded = new List<(double Seconds, Dictionary<string, object?> Tags)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == CoreMetrics.MeterName && instrument.Name == "healthserverless.durable.step.duration")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<double>((_, value, tags, _) =>
        {
            var copy = new Dictionary<string, object?>();
            foreach (var tag in tags)
            {
                copy[tag.Key] = tag.Value;
            }

            // Other tests in this process may run activities too: keep only this test's.
            if (copy["activity"] is "TelemetryTestStep" or "TelemetryTestHttp")
            {
                lock (recorded)
                {
                    recorded.Add((value, copy));
                }
            }
        });
        listener.Start();
        var middleware = new TelemetryMiddleware();

        await middleware.Invoke(new Context("TelemetryTestStep", "activityTrigger"), _ => Task.Delay(20, TestContext.Current.CancellationToken));
        await middleware.Invoke(new Context("TelemetryTestHttp", "httpTrigger"), _ => Task.CompletedTask);
        await Assert.ThrowsAsync<InvalidOperationException>(() => middleware.Invoke(new Context("TelemetryTestStep", "activityTrigger"), _ => throw new InvalidOperationException()));

        Assert.Equal(2, recorded.Count);
        Assert.All(recorded, r => Assert.Equal("TelemetryTestStep", r.Tags["activity"]));
        Assert.True(recorded[0].Seconds >= 0.015);
        Assert.Equal(["completed", "failed"], recorded.Select(r => (string?)r.Tags["outcome"]));
    }

    private sealed class Context(string name, string trigger) : FunctionContext
    {
        public override string InvocationId { get; } = Guid.NewGuid().ToString();

        public override string FunctionId => name;

        public override TraceContext TraceContext => throw new NotSupportedException();

        public override BindingContext BindingContext => throw new NotSupportedException();

        public override RetryContext RetryContext => throw new NotSupportedException();

        public override IServiceProvider InstanceServices { get; set; } = null!;

        public override FunctionDefinition FunctionDefinition { get; } = new Definition(name, trigger);

        public override IDictionary<object, object> Items { get; set; } = new Dictionary<object, object>();

        public override IInvocationFeatures Features => throw new NotSupportedException();
    }

    private sealed class Definition(string name, string trigger) : FunctionDefinition
    {
        public override ImmutableArray<FunctionParameter> Parameters => [];

        public override string PathToAssembly => string.Empty;

        public override string EntryPoint => name;

        public override string Id => name;

        public override string Name => name;

        public override IImmutableDictionary<string, BindingMetadata> InputBindings { get; } =
            ImmutableDictionary<string, BindingMetadata>.Empty.Add("trigger", new Binding(trigger));

        public override IImmutableDictionary<string, BindingMetadata> OutputBindings => ImmutableDictionary<string, BindingMetadata>.Empty;
    }

    private sealed class Binding(string type) : BindingMetadata
    {
        public override string Name => "trigger";

        public override string Type => type;

        public override BindingDirection Direction => BindingDirection.In;
    }
}
