package dev.sliceflow.source.aws;

import dev.sliceflow.request.SyncRequest;
import dev.sliceflow.source.SourceContract;
import dev.sliceflow.source.SourceFactory;
import dev.sliceflow.testing.FakeAws;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;

/** The source contract over every aws table: the fixtures' account, S3 and SQS in-process, the rest on FakeAws. */
class AwsSourceContractTest extends SourceContract {
    private static final FakeAws FAKE = new FakeAws();

    static {
        AwsFixtures.install(FAKE);
    }

    private static final AwsSourceFactory FACTORY = AwsTestSupport.factory(FAKE, Optional.empty(), Optional.empty());

    @AfterAll
    static void stop() {
        FAKE.close();
    }

    @Override
    protected SourceFactory factory() {
        return FACTORY;
    }

    @Override
    protected SyncRequest request() {
        return AwsTestSupport.request(AwsFixtures.REGION, Map.of(), null);
    }
}
