package dev.sliceflow.local.runtime;

import java.io.InputStream;
import java.util.function.Supplier;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.blobstore.ForwardingBlobStore;
import org.gaul.s3proxy.blobstore.domain.MultipartUpload;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadResponse;
import software.amazon.awssdk.services.s3.model.CopyObjectRequest;
import software.amazon.awssdk.services.s3.model.CopyObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;

/**
 * Observes object creation in the blob store s3proxy serves from: after the real store has stored an object
 * (PutObject, CompleteMultipartUpload, CopyObject returned without error) it hands the object to the notifier. A
 * failed or aborted write notifies nothing, and no event is sent before the object is readable.
 */
final class NotifyingBlobStore extends ForwardingBlobStore {
    private final Supplier<S3EventNotifier> notifier;

    /**
     * @param notifier the notifier; it may block until the notifier exists (the runtime starts S3 and SQS in
     *                 parallel)
     */
    NotifyingBlobStore(BlobStore delegate, Supplier<S3EventNotifier> notifier) {
        super(delegate);
        this.notifier = notifier;
    }

    @Override
    public PutObjectResponse putBlob(PutObjectRequest request, InputStream content) {
        PutObjectResponse response = super.putBlob(request, content);
        created("ObjectCreated:Put", request.bucket(), request.key());
        return response;
    }

    @Override
    public CompleteMultipartUploadResponse completeMultipartUpload(MultipartUpload upload,
                                                                   CompleteMultipartUploadRequest request) {
        CompleteMultipartUploadResponse response = super.completeMultipartUpload(upload, request);
        created("ObjectCreated:CompleteMultipartUpload", upload.containerName(), upload.blobName());
        return response;
    }

    @Override
    public CopyObjectResponse copyBlob(CopyObjectRequest request) {
        CopyObjectResponse response = super.copyBlob(request);
        created("ObjectCreated:Copy", request.destinationBucket(), request.destinationKey());
        return response;
    }

    private void created(String eventName, String bucket, String key) {
        S3EventNotifier target = notifier.get();
        if (!target.matches(bucket, key)) {
            return;
        }
        // Size and ETag as stored (the responses do not always carry the size).
        HeadObjectResponse head = delegate().blobMetadata(bucket, key);
        target.objectCreated(eventName, bucket, key, head.contentLength() == null ? 0 : head.contentLength(),
                head.eTag());
    }
}
