using System.Net;
using System.Net.Sockets;

namespace MedCrypt.Portal.Tests;

/// <summary>
/// A loopback TCP relay in front of the real PostgreSQL server that a test can cut and restore: a database outage
/// for one portal without stopping the server the other tests share. Cutting it drops every open connection and
/// refuses new ones, as a stopped or unreachable server would.
/// </summary>
internal sealed class TcpRelay : IAsyncDisposable
{
    private readonly IPEndPoint _target;
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly List<TcpClient> _open = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private volatile bool _cut;

    public TcpRelay(string host, int port)
    {
        _target = new IPEndPoint(Dns.GetHostAddresses(host).First(a => a.AddressFamily == AddressFamily.InterNetwork), port);
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _accepting = AcceptAsync();
    }

    public int Port { get; }

    public void Cut()
    {
        _cut = true;
        lock (_open)
        {
            foreach (TcpClient client in _open)
            {
                if (client.Client is { } socket) // null once the pump closed it
                {
                    socket.LingerState = new LingerOption(true, 0); // reset, as a dead server's connections end
                }

                client.Dispose();
            }

            _open.Clear();
        }
    }

    public void Restore() => _cut = false;

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient incoming;
            try
            {
                incoming = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            if (_cut)
            {
                incoming.Client.LingerState = new LingerOption(true, 0);
                incoming.Dispose();
                continue;
            }

            var outgoing = new TcpClient();
            try
            {
                await outgoing.ConnectAsync(_target, _stop.Token);
            }
            catch (Exception) when (!_stop.IsCancellationRequested)
            {
                incoming.Dispose();
                outgoing.Dispose();
                continue;
            }

            lock (_open)
            {
                _open.Add(incoming);
                _open.Add(outgoing);
            }

            _ = PumpAsync(incoming, outgoing);
            _ = PumpAsync(outgoing, incoming);
        }
    }

    private async Task PumpAsync(TcpClient from, TcpClient to)
    {
        try
        {
            await from.GetStream().CopyToAsync(to.GetStream(), _stop.Token);
        }
        catch (Exception)
        {
            // The relay was cut or one side closed: close the other side too.
        }

        from.Dispose();
        to.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        Cut();
        await _accepting;
        _stop.Dispose();
    }
}
