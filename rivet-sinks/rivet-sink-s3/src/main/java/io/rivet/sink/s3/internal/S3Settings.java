package io.rivet.sink.s3.internal;

import software.amazon.awssdk.services.s3.model.ServerSideEncryption;

/**
 * How objects are uploaded. Immutable.
 *
 * @param partSize the size of the first parts in bytes (5 MiB to 1 GiB); later parts grow, see {@link PartSizes}
 * @param partsInFlight parts of one object uploading at once while the next one fills (1 to 16)
 * @param uploadThreads threads uploading parts for all objects of the sink (1 to 64)
 * @param sse server-side encryption, or {@code null} for the bucket's default
 * @param kmsKeyId the KMS key for {@link ServerSideEncryption#AWS_KMS}, or {@code null} for the account's default key
 * @param checksums whether to send CRC32 checksums that the store verifies (on by default; turn off only for an
 *     S3-compatible store that rejects them)
 */
public record S3Settings(long partSize, int partsInFlight, int uploadThreads, ServerSideEncryption sse,
        String kmsKeyId, boolean checksums) {

    /** Default first part size: 5 MiB, S3's smallest, for the least memory per file being written. */
    public static final long DEFAULT_PART_SIZE = PartSizes.MIN_PART;
    /** Default parts in flight per object: 2. */
    public static final int DEFAULT_PARTS_IN_FLIGHT = 2;
    /** Default upload threads per sink: 8. */
    public static final int DEFAULT_UPLOAD_THREADS = 8;

    /** Checks the ranges. */
    public S3Settings {
        if (partSize < PartSizes.MIN_PART || partSize > PartSizes.MAX_PART) {
            throw new IllegalArgumentException("part size must be between 5MB and 1GB but was " + partSize
                    + " bytes");
        }
        if (partsInFlight < 1 || partsInFlight > 16) {
            throw new IllegalArgumentException("parts in flight must be in 1..16 but was " + partsInFlight);
        }
        if (uploadThreads < 1 || uploadThreads > 64) {
            throw new IllegalArgumentException("upload threads must be in 1..64 but was " + uploadThreads);
        }
        if (kmsKeyId != null && sse != ServerSideEncryption.AWS_KMS) {
            throw new IllegalArgumentException("a KMS key id needs SSE-KMS (sse: kms)");
        }
    }
}
