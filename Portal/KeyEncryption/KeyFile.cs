using System.Security.Cryptography;

namespace MedCrypt.Portal.KeyEncryption;

/// <summary>
/// The key-encryption key on disk: exactly 32 bytes from the OS CSPRNG, readable by its owner only. Made at the
/// first start when there is none; a file that its group or others can read or write is refused, as is one of
/// another size.
/// </summary>
internal static class KeyFile
{
    public const int Size = 32;

    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode GroupOrOthers =
        UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute |
        UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    /// <summary>The key, and whether this call made it.</summary>
    public static (byte[] Key, bool Created) ReadOrCreate(string path)
    {
        if (!File.Exists(path))
        {
            bool created = TryCreate(path);
            return (Read(path), created);
        }

        return (Read(path), false);
    }

    public static byte[] Read(string path)
    {
        if (!OperatingSystem.IsWindows())
        {
            UnixFileMode mode = File.GetUnixFileMode(path);
            if ((mode & GroupOrOthers) != 0)
            {
                throw new InvalidOperationException(
                    $"The key-encryption key file {path} can be read or written by its group or others (mode {Convert.ToString((int)mode, 8)}). " +
                    $"Make it owner-only (chmod 600 {path}) and start again; if others could read it, treat the key as exposed.");
            }
        }

        byte[] key = File.ReadAllBytes(path);
        if (key.Length != Size)
        {
            CryptographicOperations.ZeroMemory(key);
            throw new InvalidOperationException(
                $"The key-encryption key file {path} holds {key.Length} bytes; it must hold exactly {Size} (the file the portal made, restored byte for byte).");
        }

        return key;
    }

    /// <summary>
    /// Writes a new key to a temporary file and moves it into place without overwriting: two instances starting at
    /// once keep one key, and a crash never leaves a half-written key file.
    /// </summary>
    private static bool TryCreate(string path)
    {
        string folder = Path.GetDirectoryName(path) ?? throw new InvalidOperationException($"{path} has no folder.");
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(folder);
        }
        else
        {
            Directory.CreateDirectory(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        string temporary = Path.Combine(folder, $".{Path.GetFileName(path)}.{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6))}.tmp");
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = OwnerOnly;
        }

        byte[] key = RandomNumberGenerator.GetBytes(Size);
        try
        {
            using (var stream = new FileStream(temporary, options))
            {
                stream.Write(key);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, path, overwrite: false);
            return true;
        }
        catch (IOException) when (File.Exists(path))
        {
            return false; // another instance made it first: use theirs
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
            File.Delete(temporary);
        }
    }
}
