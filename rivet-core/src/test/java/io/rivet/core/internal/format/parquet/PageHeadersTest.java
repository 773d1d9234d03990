package io.rivet.core.internal.format.parquet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.apache.parquet.format.DataPageHeader;
import org.apache.parquet.format.DictionaryPageHeader;
import org.apache.parquet.format.Encoding;
import org.apache.parquet.format.PageHeader;
import org.apache.parquet.format.PageType;
import org.apache.parquet.format.Util;
import org.junit.jupiter.api.Test;

/** Rivet's page headers against parquet-format's Thrift classes: the same bytes, and read back by parquet-java. */
class PageHeadersTest {

    /** Sizes and counts are never negative (parquet-java's reader rejects them); CRCs take any value. */
    private static final int[] EDGES = {0, 1, 63, 64, 127, 128, 8191, 8192, 1 << 20, Integer.MAX_VALUE};

    @Test
    void dataPage_matchesThriftBytes() throws IOException {
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 2000; i++) {
            int uncompressed = pick(random, i);
            int compressed = pick(random, i + 1);
            int crc = i < EDGES.length ? -EDGES[i] : random.nextInt();
            int values = pick(random, i + 2);
            Encoding valuesEncoding = Encoding.values()[random.nextInt(Encoding.values().length)];
            PageHeader expected = new PageHeader(PageType.DATA_PAGE, uncompressed, compressed);
            expected.setCrc(crc);
            expected.setData_page_header(new DataPageHeader(values, valuesEncoding, Encoding.RLE, Encoding.BIT_PACKED));

            PageBytes out = new PageBytes(16);
            PageHeaders.dataPage(out, uncompressed, compressed, crc, values, valuesEncoding.getValue(),
                    Encoding.RLE.getValue(), Encoding.BIT_PACKED.getValue());

            assertArrayEquals(thrift(expected), Arrays.copyOf(out.array, out.size()), expected.toString());
            assertEquals(expected, Util.readPageHeader(new ByteArrayInputStream(out.array, 0, out.size())));
        }
    }

    @Test
    void dictionaryPage_matchesThriftBytes() throws IOException {
        SplittableRandom random = new SplittableRandom(11);
        for (int i = 0; i < 2000; i++) {
            int uncompressed = pick(random, i);
            int compressed = pick(random, i + 3);
            int crc = i < EDGES.length ? Integer.MIN_VALUE + EDGES[i] : random.nextInt();
            int entries = pick(random, i + 5);
            PageHeader expected = new PageHeader(PageType.DICTIONARY_PAGE, uncompressed, compressed);
            expected.setCrc(crc);
            expected.setDictionary_page_header(new DictionaryPageHeader(entries, Encoding.PLAIN_DICTIONARY));

            PageBytes out = new PageBytes(16);
            PageHeaders.dictionaryPage(out, uncompressed, compressed, crc, entries,
                    Encoding.PLAIN_DICTIONARY.getValue());

            assertArrayEquals(thrift(expected), Arrays.copyOf(out.array, out.size()), expected.toString());
            assertEquals(expected, Util.readPageHeader(new ByteArrayInputStream(out.array, 0, out.size())));
        }
    }

    /** Every edge value in turn, then random ones. */
    private static int pick(SplittableRandom random, int i) {
        if (i < EDGES.length) {
            return EDGES[i];
        }
        return random.nextBoolean() ? random.nextInt(1 << 21) : random.nextInt(Integer.MAX_VALUE);
    }

    private static byte[] thrift(PageHeader header) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Util.writePageHeader(header, bytes);
        return bytes.toByteArray();
    }
}
