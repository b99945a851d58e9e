using System.Diagnostics;

namespace MedCrypt.Domain.Imaging.Dicom;

/// <summary>
/// Encapsulated (compressed) pixel data to explicit little endian, by GDCM's <c>gdcmconv --raw</c>: one tool for RLE,
/// JPEG baseline and lossless, JPEG-LS and JPEG 2000 (OpenJPEG), 30–75 ms a file here (docs/dicom.md). The file goes
/// through a private temporary folder deleted afterwards; the tool is started with an argument list (no shell), under a
/// timeout, and its output is parsed again by <see cref="DicomReader"/> like any upload. The tool parses hostile
/// input in native code (an outside review crashed it with a header/codestream size mismatch and made it take 6.4 GB
/// with a forged JPEG 2000 size), so it runs with an empty environment (no secret of the portal's reaches it), under
/// <c>prlimit</c> (1 GiB of memory, 300 MB of output, 30 s of CPU), two at a time. What this does not do: run it as
/// another user or in a sandbox without the portal's files (docs/dicom.md says how a deployment adds that).
/// </summary>
public sealed class DicomDecompressor(string tool = DicomDecompressor.DefaultTool, TimeSpan? timeout = null)
{
    public const string DefaultTool = "gdcmconv";

    private readonly TimeSpan _timeout = timeout ?? TimeSpan.FromSeconds(20);

    /// <summary>util-linux's resource limiter, present on every Debian; without it the tool runs unlimited (and the docs say so).</summary>
    private const string Limiter = "/usr/bin/prlimit";

    /// <summary>At most two decompressions at once per portal: each may take up to the memory limit.</summary>
    private static readonly SemaphoreSlim Slots = new(2, 2);

    /// <exception cref="ImageRejectedException">The tool refused the file (damaged or unsupported compressed data) or ran past the timeout.</exception>
    /// <exception cref="Failures.ServiceUnavailableException">The tool is not installed.</exception>
    public byte[] Decompress(ReadOnlySpan<byte> file, CancellationToken cancellationToken = default)
    {
        SweepStaleFolders(); // a killed portal's folders hold a whole DICOM header in the clear; also swept at start-up
        string executable = Locate(tool);
        Slots.Wait(cancellationToken);
        string folder;
        try
        {
            folder = Directory.CreateTempSubdirectory("medcrypt-dicom-").FullName; // 0700 on Unix: no other user reads the scan
        }
        catch (IOException e)
        {
            Slots.Release();
            throw new Failures.ServiceUnavailableException($"Compressed DICOM cannot be unpacked now: the temporary folder is not writable ({e.GetType().Name}).");
        }

        try
        {
            string input = Path.Combine(folder, "in.dcm");
            string output = Path.Combine(folder, "out.dcm");
            WriteInput(input, file);
            bool limited = File.Exists(Limiter);
            var start = new ProcessStartInfo(limited ? Limiter : executable)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
                WorkingDirectory = folder,
            };
            start.Environment.Clear(); // no connection string, certificate password or key path of the portal's
            start.Environment["PATH"] = "/usr/bin:/bin";
            if (limited)
            {
                foreach (string argument in new[] { "--as=1073741824", "--fsize=314572800", "--cpu=30", "--", executable })
                {
                    start.ArgumentList.Add(argument);
                }
            }

            start.ArgumentList.Add("--raw");
            start.ArgumentList.Add(input);
            start.ArgumentList.Add(output);
            using Process process = Run(start);
            // Its messages may quote the header, so they are read (to not block the pipe) and dropped, never logged.
            Task<string> stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
            Task<string> stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(_timeout);
            try
            {
                process.WaitForExitAsync(deadline.Token).GetAwaiter().GetResult();
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(); // its files are closed before the folder is deleted
                cancellationToken.ThrowIfCancellationRequested();
                throw new ImageRejectedException($"Decompressing the DICOM pixel data took over {_timeout.TotalSeconds:0} s; the file was refused.") { Unprocessable = true };
            }

            Task.WaitAll([stdout, stderr], CancellationToken.None);
            if (process.ExitCode != 0 || !File.Exists(output))
            {
                throw new ImageRejectedException("The DICOM file's compressed pixel data is damaged or truncated and cannot be decoded.");
            }

            return File.ReadAllBytes(output);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
            Slots.Release();
        }
    }

    /// <summary>The tool's full path, found on PATH as the shell would; a missing tool is a 503 (the portal's, not the file's fault).</summary>
    private static string Locate(string tool)
    {
        if (Path.IsPathRooted(tool))
        {
            return File.Exists(tool) ? tool : throw Missing(tool);
        }

        foreach (string directory in (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            string candidate = Path.Combine(directory, tool);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw Missing(tool);
    }

    private static Failures.ServiceUnavailableException Missing(string tool) =>
        new($"Compressed DICOM cannot be read here: {tool} (Debian package libgdcm-tools) is not installed.");

    private static void WriteInput(string path, ReadOnlySpan<byte> file)
    {
        try
        {
            File.WriteAllBytes(path, file.ToArray());
        }
        catch (IOException e)
        {
            throw new Failures.ServiceUnavailableException($"Compressed DICOM cannot be unpacked now: the temporary folder is full ({e.GetType().Name}).");
        }
    }

    /// <summary>Deletes decompression folders older than 10 minutes (a decompression is stopped after 20 s, so none is in use); younger ones may be another portal process's.</summary>
    public static void SweepStaleFolders()
    {
        foreach (string folder in Directory.EnumerateDirectories(Path.GetTempPath(), "medcrypt-dicom-*"))
        {
            try
            {
                if (Directory.GetLastWriteTimeUtc(folder) < DateTime.UtcNow.AddMinutes(-10))
                {
                    Directory.Delete(folder, recursive: true);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Another user's or in use: left for the next start.
            }
        }
    }

    private static Process Run(ProcessStartInfo start)
    {
        try
        {
            return Process.Start(start) ?? throw new InvalidOperationException($"{start.FileName} did not start.");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new Failures.ServiceUnavailableException(
                $"Compressed DICOM cannot be read here: {start.FileName} (Debian package libgdcm-tools) is not installed ({e.Message}).");
        }
    }
}
