namespace HealthServerless.EndToEnd.Tests.Demo;

/// <summary>
/// The app as ./run starts it, for the demo seeding: the real clock (the physician's approval
/// runs through the durable workflow, whose timers are real) and the default licensing settings,
/// so the nurse application stays in the reviewer queue for the whole test.
/// </summary>
public sealed class DemoHost : AppHostBase
{
    protected override TimeProvider Clock => TimeProvider.System;

    protected override void AddSettings(Dictionary<string, string?> settings) =>
        // No test reads these logs; warnings are enough to see what went wrong.
        settings["Logging:LogLevel:Default"] = "Warning";
}
