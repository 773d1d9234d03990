package io.rivet.core.internal.engine;

import io.rivet.exception.ProviderConflictException;
import io.rivet.exception.ProviderNotFoundException;
import io.rivet.core.spi.DialectProvider;
import io.rivet.core.spi.FormatProvider;
import io.rivet.spi.SinkProvider;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.function.Function;

/**
 * The providers found once, when the engine is built. Built-ins are found exactly like third-party providers, so the
 * SPI is exercised on every run. Two providers claiming one key is an error, never "first wins".
 */
public final class ProviderRegistry {
    private final Map<String, DialectProvider> dialects;
    private final Map<String, FormatProvider> formats;
    private final Map<String, SinkProvider> sinks;

    private ProviderRegistry(Map<String, DialectProvider> dialects, Map<String, FormatProvider> formats,
            Map<String, SinkProvider> sinks) {
        this.dialects = dialects;
        this.formats = formats;
        this.sinks = sinks;
    }

    /** Discovers every provider visible to {@code loader}. */
    public static ProviderRegistry discover(ClassLoader loader) {
        return new ProviderRegistry(
                index("dialect", ServiceLoader.load(DialectProvider.class, loader), DialectProvider::name),
                index("format", ServiceLoader.load(FormatProvider.class, loader), FormatProvider::name),
                index("sink", ServiceLoader.load(SinkProvider.class, loader), SinkProvider::scheme));
    }

    /** The dialect provider called {@code name}. */
    public DialectProvider dialect(String name) {
        return find("dialect", dialects, name, "Use one of the available dialect names in source.type / Source.builder().dialect(...).");
    }

    /** All dialect providers. */
    public Collection<DialectProvider> dialects() {
        return dialects.values();
    }

    /** The format provider called {@code name}. */
    public FormatProvider format(String name) {
        return find("format", formats, name, "Use Format.parquet() or Format.csv().");
    }

    /** The sink provider for URI scheme {@code scheme}. */
    public SinkProvider sink(String scheme) {
        String fix = switch (scheme.toLowerCase(Locale.ROOT)) {
            case "s3" -> "Add io.rivet:rivet-sink-s3 to the class path, or pass a Sink instance to .sink(...).";
            case "gs" -> "Add io.rivet:rivet-sink-gcs to the class path, or pass a Sink instance to .sink(...).";
            default -> "Use a file:, s3: or gs: URI, or pass a Sink instance to .sink(...).";
        };
        return find("sink", sinks, scheme, fix);
    }

    private static <T> T find(String kind, Map<String, T> map, String key, String fix) {
        T found = map.get(key.toLowerCase(Locale.ROOT));
        if (found == null) {
            throw new ProviderNotFoundException(kind, key, List.copyOf(map.keySet()), fix);
        }
        return found;
    }

    private static <T> Map<String, T> index(String kind, Iterable<T> providers, Function<T, String> key) {
        Map<String, T> byKey = new LinkedHashMap<>();
        Map<String, List<String>> conflicts = new LinkedHashMap<>();
        for (T p : providers) {
            String k = key.apply(p).toLowerCase(Locale.ROOT);
            T previous = byKey.putIfAbsent(k, p);
            if (previous != null && previous.getClass() != p.getClass()) {
                conflicts.computeIfAbsent(k, x -> new ArrayList<>(List.of(previous.getClass().getName())))
                        .add(p.getClass().getName());
            }
        }
        if (!conflicts.isEmpty()) {
            Map.Entry<String, List<String>> first = conflicts.entrySet().iterator().next();
            throw new ProviderConflictException(kind, first.getKey(), first.getValue());
        }
        return byKey;
    }
}
