namespace LegalBot.Cases.Privacy;

/// <summary>
/// Files holding citizens' data are for the service's user only: the data folder is created 0700 and each database
/// file 0600 before SQLite opens it (SQLite gives its -wal and -shm files the database file's mode).
/// </summary>
public static class DataFiles
{
    public const UnixFileMode PrivateFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    public const UnixFileMode PrivateFolder = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>Creates the file's folder (0700) and the file itself (0600) if missing; tightens an existing file to 0600.</summary>
    public static void EnsurePrivate(string path)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        if (!Directory.Exists(folder))
        {
            if (OperatingSystem.IsWindows()) Directory.CreateDirectory(folder);
            else Directory.CreateDirectory(folder, PrivateFolder);
        }
        if (OperatingSystem.IsWindows()) return;
        if (!File.Exists(path))
        {
            using var created = new FileStream(path, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = PrivateFile });
        }
        else if ((File.GetUnixFileMode(path) & ~PrivateFile) != 0)
        {
            File.SetUnixFileMode(path, PrivateFile);
        }
        foreach (var sidecar in new[] { path + "-wal", path + "-shm", path + "-journal" })
            if (File.Exists(sidecar) && (File.GetUnixFileMode(sidecar) & ~PrivateFile) != 0) File.SetUnixFileMode(sidecar, PrivateFile);
    }
}
