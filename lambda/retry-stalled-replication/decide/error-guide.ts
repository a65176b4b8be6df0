import type { ReplicationError } from './triage';

/**
 * What each MGN replication error means and what to check first, for the person a notice goes
 * to. From the MGN User Guide, "Common replication errors" and "Troubleshooting agentless
 * replication" (docs/how-it-works.md, "Triage", links them). Pure data.
 */
export interface ErrorGuide {
  readonly meaning: string;
  readonly check: string;
}

const NETWORK_TO_REPLICATION_SERVER =
  'Check TCP 1500 from the source to the replication server subnet and TCP 443 to the MGN endpoint: firewalls, proxies, security groups and network ACLs in between.';
const STAGING_SUBNET_TO_AWS =
  'Check that the staging subnet reaches the MGN, S3 and EC2 endpoints on TCP 443 (route tables, NAT or VPC endpoints, network ACLs).';

export const ERROR_GUIDE: Readonly<Record<ReplicationError, ErrorGuide>> = {
  AGENT_NOT_SEEN: {
    meaning: 'MGN has not heard from the replication agent on the source.',
    check:
      'Check that the agent service runs on the source (Linux: systemctl status aws-replication; Windows: services.msc) and that the source reaches the regional MGN endpoint on TCP 443.',
  },
  NOT_CONVERGING: {
    meaning: 'The source writes faster than its changes can be replicated, so replication never catches up.',
    check: 'Check the available bandwidth (run the bandwidth test), the staging disk type in the replication settings, and the source CPU and memory.',
  },
  SNAPSHOTS_FAILURE: {
    meaning: 'MGN cannot take a consistent snapshot of the staging disks.',
    check: 'Look for failed ec2:CreateSnapshot calls in CloudTrail: IAM permissions, service control policies, the staging disks\' KMS key policy, EC2 API throttling.',
  },
  UNSTABLE_NETWORK: {
    meaning: 'The connection between the source and the replication server keeps breaking.',
    check: `${NETWORK_TO_REPLICATION_SERVER} Run the bandwidth test; look for packet loss on the link (VPN, Direct Connect).`,
  },
  FAILED_TO_CREATE_SECURITY_GROUP: {
    meaning: 'MGN could not create the replication server\'s security group.',
    check: 'Check the MGN IAM prerequisites (the service roles) and the replication settings\' security group options; look for ec2:CreateSecurityGroup errors in CloudTrail.',
  },
  FAILED_TO_LAUNCH_REPLICATION_SERVER: {
    meaning: 'MGN could not launch the replication server (an EC2 instance in the staging subnet).',
    check: 'Check the replication settings (subnet, instance type), EC2 quotas and capacity in the Availability Zone, and ec2:RunInstances errors in CloudTrail.',
  },
  FAILED_TO_BOOT_REPLICATION_SERVER: {
    meaning: 'The replication server was launched but did not finish booting.',
    check: 'Check the replication server\'s instance status checks and system log, and the staging subnet\'s routes and DNS.',
  },
  FAILED_TO_AUTHENTICATE_WITH_SERVICE: {
    meaning: 'The replication server could not authenticate with MGN.',
    check: STAGING_SUBNET_TO_AWS,
  },
  FAILED_TO_DOWNLOAD_REPLICATION_SOFTWARE: {
    meaning: 'The replication server could not download its software.',
    check: `${STAGING_SUBNET_TO_AWS} S3 access is needed for the download.`,
  },
  FAILED_TO_CREATE_STAGING_DISKS: {
    meaning: 'MGN could not create the staging EBS volumes.',
    check: 'Check the EBS encryption KMS key and its key policy, EBS quotas, and ec2:CreateVolume errors in CloudTrail.',
  },
  FAILED_TO_ATTACH_STAGING_DISKS: {
    meaning: 'MGN could not attach the staging EBS volumes to the replication server.',
    check: 'Check ec2:AttachVolume errors in CloudTrail, the KMS key policy, and the volume and instance limits.',
  },
  FAILED_TO_PAIR_REPLICATION_SERVER_WITH_AGENT: {
    meaning: 'The replication server and the agent on the source could not pair.',
    check: NETWORK_TO_REPLICATION_SERVER,
  },
  FAILED_TO_CONNECT_AGENT_TO_REPLICATION_SERVER: {
    meaning: 'The agent on the source cannot connect to the replication server.',
    check: NETWORK_TO_REPLICATION_SERVER,
  },
  FAILED_TO_START_DATA_TRANSFER: {
    meaning: 'The agent and the replication server connected, but data transfer did not start.',
    check: `${NETWORK_TO_REPLICATION_SERVER} Check the agent log on the source.`,
  },
  UNSUPPORTED_VM_CONFIGURATION: {
    meaning: 'Agentless replication: the VM\'s configuration is not supported for snapshot shipping (vCenter snapshots and changed block tracking).',
    check:
      'In vCenter, check that the VM can take snapshots and has changed block tracking (CBT) enabled, and its disk types (independent or RDM disks cannot be snapshotted); otherwise install the agent on the source and replicate it agent-based.',
  },
  LAST_SNAPSHOT_JOB_FAILED: {
    meaning: 'Agentless replication: the last vCenter snapshot job of the VM failed.',
    check:
      'In vCenter, look at the VM\'s tasks and events for the failed snapshot, free datastore space, consolidate leftover snapshots, and check changed block tracking (CBT); check that the MGN vCenter client is running and connected.',
  },
};

/** For an error the guide does not know (MGN adds values over time) or no error at all. */
export const GENERAL_GUIDE: ErrorGuide = {
  meaning: 'MGN reports no specific error for this stall.',
  check:
    'Check connectivity from the source to the replication server (TCP 1500) and to the MGN endpoint (TCP 443), API throttling in CloudTrail, and the agent logs on the source.',
};

/** What an agentless (snapshot-shipping) server needs checked when it stalls. */
export const AGENTLESS_GUIDE: ErrorGuide = {
  meaning: 'Agentless replication: the MGN vCenter client ships vCenter snapshots of the VM; a retry acts at an agent\'s handshake and does not drive it.',
  check:
    'Check that the MGN vCenter client is running and reaches vCenter and the MGN endpoint (TCP 443), the VM\'s snapshot tasks in vCenter, changed block tracking (CBT), and datastore space.',
};

/** The guide for an error (and for agentless servers without one). */
export function guideFor(replicationError: string | undefined, replicationType?: string): ErrorGuide {
  const known = replicationError !== undefined && Object.hasOwn(ERROR_GUIDE, replicationError) ? ERROR_GUIDE[replicationError as ReplicationError] : undefined;
  return known ?? (replicationType === 'SNAPSHOT_SHIPPING' ? AGENTLESS_GUIDE : GENERAL_GUIDE);
}
