namespace HealthServerless.Testing;

public static class RepositoryRoot
{
    /// <summary>The checkout's root: the nearest folder up from the test binaries holding HealthServerless.sln.</summary>
    public static string Path { get; } = Find();

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "HealthServerless.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("HealthServerless.sln not found above " + AppContext.BaseDirectory);
    }
}
