import { describe, expect, it } from "vitest";
import { awsClients } from "./aws-clients.ts";
import { accessPortalUrl, dnsSuffix, globalServiceRegion, partitionOfArn, partitionOfRegion } from "./partition.ts";

const credentials = { accessKeyId: "AKIAEXAMPLEEXAMPLE00", secretAccessKey: "not-a-real-secret-key-00000000000000000" };

describe("partitions", () => {
  it("takes the partition from the region or the ARN", () => {
    expect(["us-east-1", "eu-central-2", "ap-southeast-5", "cn-north-1", "cn-northwest-1", "us-gov-west-1"].map(partitionOfRegion)).toEqual([
      "aws",
      "aws",
      "aws",
      "aws-cn",
      "aws-cn",
      "aws-us-gov",
    ]);
    expect(partitionOfArn("arn:aws-us-gov:iam::111111111111:role/x")).toBe("aws-us-gov");
    expect(partitionOfArn("arn:aws-cn:sso:::instance/ssoins-7223aa11bb22cc33")).toBe("aws-cn");
    expect(partitionOfArn("arn:aws-iso:iam::111111111111:role/x")).toBeNull();
  });

  it("sends Organizations and IAM to their partition's one endpoint region, whatever the integration's region", async () => {
    expect(globalServiceRegion("organizations", "aws")).toBe("us-east-1");
    const region = async (client: { config: { region: () => Promise<string> } }) => client.config.region();
    expect(await region(awsClients.organizations({ region: "eu-west-1", credentials }))).toBe("us-east-1");
    expect(await region(awsClients.organizations({ region: "cn-north-1", credentials }))).toBe("cn-northwest-1");
    expect(await region(awsClients.organizations({ region: "us-gov-east-1", credentials }))).toBe("us-gov-west-1");
    expect(await region(awsClients.iam({ region: "cn-northwest-1", credentials }))).toBe("cn-north-1");
    expect(await region(awsClients.iam({ region: "us-gov-east-1", credentials }))).toBe("us-gov-west-1");
    expect(await region(awsClients.iam({ region: "ap-south-1", credentials }))).toBe("us-east-1");
  });

  it("names each partition's endpoints and access portal", () => {
    expect([dnsSuffix("aws"), dnsSuffix("aws-cn"), dnsSuffix("aws-us-gov")]).toEqual(["amazonaws.com", "amazonaws.com.cn", "amazonaws.com"]);
    expect(accessPortalUrl("d-9067aa11bb", "eu-west-1")).toBe("https://d-9067aa11bb.awsapps.com/start");
    expect(accessPortalUrl("d-9067aa11bb", "us-gov-west-1")).toBe("https://start.us-gov-home.awsapps.com/directory/d-9067aa11bb");
    expect(accessPortalUrl("d-9067aa11bb", "cn-north-1")).toBe("https://start.home.awsapps.cn/directory/d-9067aa11bb");
  });
});
