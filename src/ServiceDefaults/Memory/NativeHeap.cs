using System.Runtime.InteropServices;

namespace Transactions.ServiceDefaults.Memory;

/// <summary>The C library's heap, which the runtime and the JIT allocate their own structures from.</summary>
static class NativeHeap
{
    /// <summary>
    /// Returns the heap's free pages to the operating system (glibc's <c>malloc_trim</c>). glibc keeps what was freed
    /// for reuse; after start-up, when the JIT's scratch memory has been freed, that is several MB nobody reuses.
    /// Elsewhere (other systems, musl) there is nothing to call and nothing is done.
    /// </summary>
    public static void Trim()
    {
        if (!OperatingSystem.IsLinux())
            return;
        try
        {
            MallocTrim(0);
        }
        catch (EntryPointNotFoundException) { } // a C library without malloc_trim
        catch (DllNotFoundException) { }
    }

    [DllImport("libc", EntryPoint = "malloc_trim")]
    static extern int MallocTrim(nuint pad);
}
