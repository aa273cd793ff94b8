using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OperandoXrd.Pipeline.Configuration;
using OperandoXrd.Pipeline.Stages;

namespace OperandoXrd.Pipeline.Hosting;

/// <summary>
/// The reduction as one Microsoft.Extensions.Hosting host: source → integrate → fit/correlate/write, each stage a hosted
/// service, bounded channels between them. Options are validated at start; Ctrl-C or SIGTERM stops the source and
/// lets the frames in flight drain before the outputs are closed.
/// </summary>
public static class ReductionHost
{
    public static IHost Build(ReduceOptions options, IReductionObserver? observer = null, Action<ILoggingBuilder>? logging = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, ApplicationName = "oxrd" });
        builder.Logging.ClearProviders();
        if (logging is not null)
        {
            logging(builder.Logging);
        }

        builder.Services.Configure<HostOptions>(h =>
        {
            // Draining a few frames and writing reduced.h5 takes seconds, not the default 30 s — but never cut it short.
            h.ShutdownTimeout = TimeSpan.FromMinutes(10);
            h.BackgroundServiceExceptionBehavior = BackgroundServiceExceptionBehavior.StopHost;
        });
        builder.Services.AddOptions<ReduceOptions>()
            .Configure(o => Copy(options, o))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<ReduceOptions>, ReduceOptionsValidator>();
        if (observer is not null)
        {
            builder.Services.AddSingleton(observer);
        }

        builder.Services.AddSingleton(sp => new ReductionContext(
            sp.GetRequiredService<IOptions<ReduceOptions>>(), sp.GetRequiredService<ILogger<ReductionContext>>(), sp.GetService<IReductionObserver>()));
        builder.Services.AddHostedService<PreparationService>();
        builder.Services.AddHostedService<FrameSourceStage>();
        builder.Services.AddHostedService<IntegrationStage>();
        builder.Services.AddHostedService<SinkStage>();
        return builder.Build();
    }

    /// <summary>Runs a reduction to its end (or until <paramref name="cancellation"/>) and returns its summary.</summary>
    /// <exception cref="PipelineConfigException">Bad configuration, found before any frame was read.</exception>
    /// <exception cref="OptionsValidationException">Options that fail validation (missing files, unwritable output).</exception>
    public static async Task<RunSummary> RunAsync(ReduceOptions options, IReductionObserver? observer = null, Action<ILoggingBuilder>? logging = null, CancellationToken cancellation = default)
    {
        using var host = Build(options, observer, logging);
        var context = host.Services.GetRequiredService<ReductionContext>();
        try
        {
            await host.RunAsync(cancellation).ConfigureAwait(false);
        }
        finally
        {
            context.Dispose();
        }

        if (!context.Completion.Task.IsCompleted)
        {
            throw new InvalidOperationException("the reduction stopped before it finished (see the log)");
        }

        return await context.Completion.Task.ConfigureAwait(false);
    }

    private static void Copy(ReduceOptions from, ReduceOptions to)
    {
        foreach (var property in typeof(ReduceOptions).GetProperties())
        {
            property.SetValue(to, property.GetValue(from));
        }
    }

    /// <summary>Builds geometry, matrix and fitter before any stage starts: configuration errors surface at once.</summary>
    private sealed class PreparationService(ReductionContext context) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            context.Prepare();
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
