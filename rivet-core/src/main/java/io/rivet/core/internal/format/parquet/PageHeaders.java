package io.rivet.core.internal.format.parquet;

/**
 * Serialises the two page headers Rivet writes, a v1 data page's and a dictionary page's, in Thrift's compact
 * protocol straight into a reused {@link PageBytes}. parquet-format's generated {@code PageHeader} and
 * {@code Util.writePageHeader} build a header object, a protocol and a transport for every page: a few hundred bytes of
 * garbage per page, which on a narrow table is most of what an export allocates once it runs. The bytes are those
 * {@code Util.writePageHeader} writes for the same fields (PageHeadersTest compares them); the field ids and enum
 * values are the Parquet format's ({@code parquet.thrift}). Stateless.
 */
final class PageHeaders {

    /** Compact protocol field types. */
    private static final int I32 = 5;
    private static final int STRUCT = 12;

    /** {@code PageType} values. */
    private static final int DATA_PAGE = 0;
    private static final int DICTIONARY_PAGE = 2;

    private PageHeaders() {
    }

    /**
     * Writes a {@code PageHeader} for a v1 data page: type, sizes, CRC, and a {@code DataPageHeader} of
     * {@code valueCount} values in the given encodings ({@code parquet.thrift} {@code Encoding} values). No statistics:
     * Rivet keeps page statistics in the column index, as parquet-java does.
     */
    static void dataPage(PageBytes out, int uncompressedSize, int compressedSize, int crc, int valueCount,
            int valuesEncoding, int definitionEncoding, int repetitionEncoding) {
        common(out, DATA_PAGE, uncompressedSize, compressedSize, crc);
        out.writeByte(1 << 4 | STRUCT); // 5: data_page_header
        i32Field(out, 1, valueCount);
        i32Field(out, 1, valuesEncoding);
        i32Field(out, 1, definitionEncoding);
        i32Field(out, 1, repetitionEncoding);
        out.writeByte(0); // end of DataPageHeader
        out.writeByte(0); // end of PageHeader
    }

    /** Writes a {@code PageHeader} for a dictionary page of {@code entries} values in {@code encoding}. */
    static void dictionaryPage(PageBytes out, int uncompressedSize, int compressedSize, int crc, int entries,
            int encoding) {
        common(out, DICTIONARY_PAGE, uncompressedSize, compressedSize, crc);
        out.writeByte(3 << 4 | STRUCT); // 7: dictionary_page_header
        i32Field(out, 1, entries);
        i32Field(out, 1, encoding);
        out.writeByte(0); // end of DictionaryPageHeader
        out.writeByte(0); // end of PageHeader
    }

    /** Fields 1-4 of {@code PageHeader}: type, uncompressed_page_size, compressed_page_size, crc. */
    private static void common(PageBytes out, int type, int uncompressedSize, int compressedSize, int crc) {
        i32Field(out, 1, type);
        i32Field(out, 1, uncompressedSize);
        i32Field(out, 1, compressedSize);
        i32Field(out, 1, crc);
    }

    /** A field header with its id given as the delta from the previous field's, then a zigzag varint. */
    private static void i32Field(PageBytes out, int idDelta, int value) {
        out.writeByte(idDelta << 4 | I32);
        out.writeUnsignedVarInt(value << 1 ^ value >> 31);
    }
}
