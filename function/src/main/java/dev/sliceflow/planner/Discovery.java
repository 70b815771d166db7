package dev.sliceflow.planner;

import dev.sliceflow.core.InvalidInputException;
import java.util.List;

/** Finds accounts and regions a spec leaves to discovery (organization: true, regions: ["*"]). */
public interface Discovery {
    /** The organization's ACTIVE accounts (under the OUs, when given), sorted. */
    List<String> organizationAccounts(List<String> ous);

    /** The regions enabled for the account, sorted. */
    List<String> enabledRegions(String account);

    /** For sources and setups without discovery: asking for it is an error that says so. */
    static Discovery none() {
        return new Discovery() {
            @Override
            public List<String> organizationAccounts(List<String> ous) {
                throw new InvalidInputException("accounts.organization needs AWS Organizations discovery, which this "
                        + "planner was not given; list the accounts instead");
            }

            @Override
            public List<String> enabledRegions(String account) {
                throw new InvalidInputException("regions: [\"*\"] needs region discovery, which this planner was not "
                        + "given; list the regions instead");
            }
        };
    }
}
