using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OperandoXrd.Pipeline.Checkpoints;
using OperandoXrd.Pipeline.Configuration;
using OperandoXrd.Pipeline.Stages;

namespace OperandoXrd.Pipeline.Hosting;

/// <summary>
/// The reduction as one Microsoft.Extensions.Hosting host: source → integrate → fit → correlate → write, each stage a
/// hosted service owning its state, bounded channels between them (docs/architecture.md, "The host, stage by stage").
/// Options are validated at start; Ctrl-C or SIGTERM stops the source and lets the frames in flight drain before the
/// outputs are closed.
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

        // The run's state, each piece created ready by its factory the first time a stage needs it — all of it while
        // the host resolves the stages, before any starts — so that every configuration error (PONI, mask, CIF,
        // voltage log, checkpoint) is reported before the first frame. The order of the resume replay follows from
        // what it needs: results, fitter and correlator first.
        var services = builder.Services;
        services.AddSingleton(sp => new RunFolders(Options(sp)));
        services.AddSingleton(sp => new RunChannels(Options(sp)));
        services.AddSingleton(sp =>
        {
            var channels = sp.GetRequiredService<RunChannels>();
            // Two channels plus the frames in the workers' hands: the backlog that builds up during the reference fit.
            return new RunStatistics { SteadyAfter = (2 * channels.Capacity) + 8 };
        });
        services.AddSingleton<RunCompletion>();
        services.AddSingleton(sp => RunIntegrator.Create(Options(sp), sp.GetRequiredService<RunChannels>(), Logger<RunIntegrator>(sp)));
        services.AddSingleton(sp => RunFitter.Create(Options(sp), sp.GetRequiredService<RunIntegrator>(), sp.GetRequiredService<RunChannels>(), sp.GetRequiredService<RunStatistics>()));
        services.AddSingleton(sp => EchemCorrelator.Create(Options(sp), Logger<EchemCorrelator>(sp)));
        services.AddSingleton(sp => RunResults.Create(Options(sp), sp.GetRequiredService<RunFolders>(), sp.GetRequiredService<RunIntegrator>(), sp.GetRequiredService<RunFitter>(), Logger<RunResults>(sp)));
        services.AddSingleton(sp => new EmergenceHolder(Emergence.EmergenceWatch.Attach(Options(sp), sp.GetRequiredService<RunFolders>(), sp.GetRequiredService<RunFitter>(),
            sp.GetRequiredService<RunIntegrator>().Poni.Wavelength * 1e10, sp.GetService<IReductionObserver>(), Logger<Emergence.EmergenceWatch>(sp))));
        services.AddSingleton(sp =>
        {
            // The emergence detector watches the replayed frames too (a resumed run ends with the same events).
            _ = sp.GetRequiredService<EmergenceHolder>();
            return RunStart.Replay(sp.GetRequiredService<RunResults>(), sp.GetRequiredService<RunFitter>(), sp.GetRequiredService<EchemCorrelator>(), Logger<RunStart>(sp));
        });

        // The stages, in the order frames flow through them.
        services.AddHostedService<FrameSourceStage>();
        services.AddHostedService<IntegrationStage>();
        services.AddHostedService<FitStage>();
        services.AddHostedService<CorrelationStage>();
        services.AddHostedService<SinkStage>();
        return builder.Build();
    }

    /// <summary>Runs a reduction to its end (or until <paramref name="cancellation"/>) and returns its summary.</summary>
    /// <exception cref="PipelineConfigException">Bad configuration, found before any frame was read.</exception>
    /// <exception cref="OptionsValidationException">Options that fail validation (missing files, unwritable output).</exception>
    public static async Task<RunSummary> RunAsync(ReduceOptions options, IReductionObserver? observer = null, Action<ILoggingBuilder>? logging = null, CancellationToken cancellation = default)
    {
        Task<RunSummary> done;
        using (var host = Build(options, observer, logging))
        {
            done = host.Services.GetRequiredService<RunCompletion>().Task;
            // Disposing the host closes what the run opened (journal, spool, integrator), also after a failure.
            await host.RunAsync(cancellation).ConfigureAwait(false);
        }

        if (!done.IsCompleted)
        {
            throw new InvalidOperationException("the reduction stopped before it finished (see the log)");
        }

        return await done.ConfigureAwait(false);
    }

    private static void Copy(ReduceOptions from, ReduceOptions to)
    {
        foreach (var property in typeof(ReduceOptions).GetProperties())
        {
            property.SetValue(to, property.GetValue(from));
        }
    }

    // The watch may be null (detector off); the container holds singletons by type, so it holds this box.
    private sealed record EmergenceHolder(Emergence.EmergenceWatch? Watch);

    private static ReduceOptions Options(IServiceProvider services) => services.GetRequiredService<IOptions<ReduceOptions>>().Value;

    private static ILogger<T> Logger<T>(IServiceProvider services) => services.GetRequiredService<ILogger<T>>();
}
