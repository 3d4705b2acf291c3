using System.Text.Json;

namespace HealthServerless.LocalHost.Demo;

/// <summary>
/// The licence application numbers and prescription ids the demo made (name → id), in a JSON
/// file next to the store (./.data/demo.json for ./run). Only ids: nothing personal is kept here.
/// </summary>
internal sealed class DemoState
{
    private readonly string _path;
    private readonly Dictionary<string, string> _numbers;

    private DemoState(string path, Dictionary<string, string> numbers)
    {
        _path = path;
        _numbers = numbers;
    }

    public static DemoState Load(string path)
    {
        if (!File.Exists(path))
        {
            return new DemoState(path, []);
        }

        try
        {
            return new DemoState(path, JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllText(path)) ?? []);
        }
        catch (JsonException)
        {
            // Starting over would make second copies of the applications; better to ask.
            throw new DemoSeedingException($"{path} is not a demo state file; delete it to seed licence applications again.");
        }
    }

    public string? Number(string name) => _numbers.GetValueOrDefault(name);

    /// <summary>Written at once, so a run stopped halfway still knows what it made.</summary>
    public void Remember(string name, string number)
    {
        _numbers[name] = number;
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(_path))!);
        File.WriteAllText(_path, JsonSerializer.Serialize(_numbers));
    }
}
