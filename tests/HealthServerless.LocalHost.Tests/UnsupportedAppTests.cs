using System.Text.Json.Nodes;
using HealthServerless.LocalHost.Catalog;

namespace HealthServerless.LocalHost.Tests;

public sealed class UnsupportedAppTests(AzuriteFixture fixture) : IClassFixture<AzuriteFixture>
{
    [Theory]
    [InlineData("serviceBusTrigger", "trigger")]
    [InlineData("blob", "output")]
    public async Task The_host_refuses_an_app_with_a_binding_it_cannot_serve_and_names_it(string bindingType, string kind)
    {
        var folder = Directory.CreateTempSubdirectory("hs-unsupported-");
        var functions = JsonNode.Parse(await File.ReadAllTextAsync(TestAppHost.MetadataPath, TestContext.Current.CancellationToken))!.AsArray();
        var echo = functions.Single(f => (string)f!["name"]! == "Echo")!;
        var bindings = echo["bindings"]!.AsArray();
        if (kind == "trigger")
        {
            bindings[0] = new JsonObject { ["name"] = "req", ["direction"] = "In", ["type"] = bindingType, ["topicName"] = "t" };
        }
        else
        {
            bindings.Add(new JsonObject { ["name"] = "archive", ["direction"] = "Out", ["type"] = bindingType, ["path"] = "c/{id}" });
        }

        var metadata = Path.Combine(folder.FullName, "functions.metadata");
        await File.WriteAllTextAsync(metadata, functions.ToJsonString(), TestContext.Current.CancellationToken);

        var refused = await Assert.ThrowsAsync<UnsupportedFunctionException>(() =>
            TestAppHost.StartAsync(TestAppHost.Settings(fixture.Azurite, TestAppHost.NewTaskHub(), metadataPath: metadata)));

        var problem = Assert.Single(refused.Problems);
        Assert.Contains("Echo", problem, StringComparison.Ordinal);
        Assert.Contains(bindingType, problem, StringComparison.Ordinal);
        folder.Delete(recursive: true);
    }

    [Fact]
    public async Task The_host_refuses_a_timer_with_a_schedule_it_cannot_read()
    {
        var settings = TestAppHost.Settings(fixture.Azurite, TestAppHost.NewTaskHub(), tickSchedule: "every minute");

        var refused = await Assert.ThrowsAsync<UnsupportedFunctionException>(() => TestAppHost.StartAsync(settings));

        Assert.Contains(refused.Problems, p => p.Contains("Tick", StringComparison.Ordinal) && p.Contains("every minute", StringComparison.Ordinal));
    }
}
