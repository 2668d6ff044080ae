import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { Person } from './person.entity';
import { TenantEntity, TenantRecord, sameOrganization } from './tenant.entity';
import { Unit } from './unit.entity';
import { User } from './user.entity';

export const VOTE_KINDS = ['meeting', 'written'] as const;
export type VoteKind = (typeof VOTE_KINDS)[number];
export const VOTE_STATUSES = ['draft', 'open', 'closed', 'cancelled'] as const;
export type VoteStatus = (typeof VOTE_STATUSES)[number];
export const MAJORITY_RULES = ['simple', 'two_thirds', 'unanimous'] as const;
export type MajorityRule = (typeof MAJORITY_RULES)[number];

/** What closing a vote stores per question; weights are exact fractions written "numerator/denominator". */
export interface VoteQuestionResult {
  eligibleWeight: string;
  participatingWeight: string;
  participatingUnits: number;
  quorumReached: boolean;
  outcome: 'adopted' | 'no_majority' | 'tie' | 'no_quorum';
  winningOptionId: string | null;
  options: { optionId: string; weight: string; units: number }[];
}

/**
 * An owners' vote (a meeting or a written vote, per rollam) over the whole organisation or some of its
 * buildings. Opening snapshots who may vote and with what weight; the ballots form a hash chain whose
 * head (`chain_head`, `ballot_count`) lives on this row, so casting locks it and appends in order.
 */
@Entity('votes')
@Check('ck_votes_period', '"end_at" > "start_at"')
@Index('uq_votes_org_id', ['organizationId', 'id'], { unique: true })
@Index('ix_votes_org_status_start', ['organizationId', 'status', 'startAt'])
/** The every-minute closing job's look-up across organisations: only open votes are indexed. */
@Index('ix_votes_open_end', ['endAt'], { where: `status = 'open'` })
@Index('ix_votes_title_trgm', { synchronize: false })
export class Vote extends TenantEntity {
  @Column({ type: 'varchar', length: 200 })
  title!: string;

  @Column({ type: 'text', default: '' })
  description!: string;

  @Column({ type: 'enum', enum: VOTE_KINDS, enumName: 'vote_kind' })
  kind!: VoteKind;

  /** Who voted is kept apart from what they voted (see vote_participations). */
  @Column({ type: 'boolean', default: false })
  secret!: boolean;

  @Column({ type: 'enum', enum: VOTE_STATUSES, enumName: 'vote_status', default: 'draft' })
  status!: VoteStatus;

  /** The buildings in scope; empty = the whole organisation. */
  @Column({ type: 'uuid', array: true, default: () => "'{}'" })
  buildingIds!: string[];

  @Column({ type: 'timestamptz' })
  startAt!: Date;

  @Column({ type: 'timestamptz' })
  endAt!: Date;

  @Column({ type: 'timestamptz', nullable: true })
  openedAt!: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  closedAt!: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  cancelledAt!: Date | null;

  /** Set on opening: the eligible units and the sum of their weights ("n/d"). */
  @Column({ type: 'integer', nullable: true })
  eligibleUnitCount!: number | null;

  @Column({ type: 'text', nullable: true })
  eligibleWeight!: string | null;

  @Column({ type: 'integer', default: 0 })
  ballotCount!: number;

  /** Hash of the last ballot; null before the first. */
  @Column({ type: 'char', length: 64, nullable: true })
  chainHead!: string | null;

  @Column({ type: 'uuid', nullable: true })
  createdByUserId!: string | null;

  @ManyToOne(() => User, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'created_by_user_id' })
  createdBy?: User;

  /** Incremented on every change of the vote itself (not per ballot); events carry it. */
  @Column({ type: 'integer', default: 1 })
  version!: number;
}

@Entity('vote_questions')
@Check(
  'ck_vote_questions_quorum',
  '"quorum_numerator" >= 0 AND "quorum_denominator" > 0 AND "quorum_numerator" <= "quorum_denominator"',
)
@Index('uq_vote_questions_org_id', ['organizationId', 'id'], { unique: true })
@Index('uq_vote_questions_org_vote_position', ['organizationId', 'voteId', 'position'], { unique: true })
export class VoteQuestion extends TenantRecord {
  @Column({ type: 'uuid' })
  voteId!: string;

  @ManyToOne(() => Vote, { onDelete: 'CASCADE' })
  @JoinColumn(sameOrganization('vote_id'))
  vote?: Vote;

  @Column({ type: 'smallint' })
  position!: number;

  @Column({ type: 'varchar', length: 1000 })
  text!: string;

  @Column({ type: 'text', default: '' })
  description!: string;

  /** The share of the eligible weight that must take part, as an exact fraction. */
  @Column({ type: 'integer' })
  quorumNumerator!: number;

  @Column({ type: 'integer' })
  quorumDenominator!: number;

  @Column({ type: 'enum', enum: MAJORITY_RULES, enumName: 'vote_majority_rule', default: 'simple' })
  majority!: MajorityRule;

  /** Stored when the vote closes. */
  @Column({ type: 'jsonb', nullable: true })
  result!: VoteQuestionResult | null;
}

@Entity('vote_options')
@Index('uq_vote_options_org_id', ['organizationId', 'id'], { unique: true })
@Index('uq_vote_options_org_question_position', ['organizationId', 'questionId', 'position'], {
  unique: true,
})
export class VoteOption extends TenantRecord {
  @Column({ type: 'uuid' })
  questionId!: string;

  @ManyToOne(() => VoteQuestion, { onDelete: 'CASCADE' })
  @JoinColumn(sameOrganization('question_id'))
  question?: VoteQuestion;

  @Column({ type: 'smallint' })
  position!: number;

  @Column({ type: 'varchar', length: 200 })
  label!: string;

  /** Counts as taking part (quorum, majority base) but can never win. */
  @Column({ type: 'boolean', default: false })
  abstain!: boolean;
}

/** The snapshot taken on opening: a unit in scope with its owners and its weight at that moment. */
@Entity('vote_eligible_units')
@Index('uq_vote_eligible_units_org_vote_unit', ['organizationId', 'voteId', 'unitId'], { unique: true })
export class VoteEligibleUnit extends TenantRecord {
  @Column({ type: 'uuid' })
  voteId!: string;

  @ManyToOne(() => Vote, { onDelete: 'CASCADE' })
  @JoinColumn(sameOrganization('vote_id'))
  vote?: Vote;

  @Column({ type: 'uuid' })
  unitId!: string;

  /** A unit that took part in a vote stays: the record of the vote depends on it. */
  @ManyToOne(() => Unit, { onDelete: 'RESTRICT' })
  @JoinColumn(sameOrganization('unit_id'))
  unit?: Unit;

  @Column({ type: 'uuid', array: true })
  ownerPersonIds!: string[];

  @Column({ type: 'integer' })
  weightNumerator!: number;

  @Column({ type: 'integer' })
  weightDenominator!: number;
}

/** An owner lets another person (a proxy) cast their unit's ballots in one vote; revocable until used. */
@Entity('vote_delegations')
@Index('uq_vote_delegations_org_id', ['organizationId', 'id'], { unique: true })
@Index('uq_vote_delegations_org_vote_unit_active', ['organizationId', 'voteId', 'unitId'], {
  unique: true,
  where: 'revoked_at IS NULL',
})
@Index('ix_vote_delegations_org_proxy', ['organizationId', 'proxyPersonId'])
export class VoteDelegation extends TenantRecord {
  @Column({ type: 'uuid' })
  voteId!: string;

  @ManyToOne(() => Vote, { onDelete: 'CASCADE' })
  @JoinColumn(sameOrganization('vote_id'))
  vote?: Vote;

  @Column({ type: 'uuid' })
  unitId!: string;

  @ManyToOne(() => Unit, { onDelete: 'RESTRICT' })
  @JoinColumn(sameOrganization('unit_id'))
  unit?: Unit;

  @Column({ type: 'uuid' })
  grantorPersonId!: string;

  @ManyToOne(() => Person, { onDelete: 'RESTRICT' })
  @JoinColumn(sameOrganization('grantor_person_id'))
  grantor?: Person;

  @Column({ type: 'uuid' })
  proxyPersonId!: string;

  @ManyToOne(() => Person, { onDelete: 'RESTRICT' })
  @JoinColumn(sameOrganization('proxy_person_id'))
  proxy?: Person;

  @Column({ type: 'uuid', nullable: true })
  createdByUserId!: string | null;

  @ManyToOne(() => User, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'created_by_user_id' })
  createdBy?: User;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @Column({ type: 'timestamptz', nullable: true })
  revokedAt!: Date | null;
}

/**
 * Who took part in a question, per unit (the last person to cast, and the delegation used). Kept apart
 * from the ballots, and without timestamps, so a secret vote's ballots cannot be matched to voters.
 */
@Entity('vote_participations')
@Index('uq_vote_participations_org_question_unit', ['organizationId', 'questionId', 'unitId'], {
  unique: true,
})
@Index('ix_vote_participations_org_vote', ['organizationId', 'voteId'])
export class VoteParticipation extends TenantRecord {
  @Column({ type: 'uuid' })
  voteId!: string;

  @ManyToOne(() => Vote, { onDelete: 'CASCADE' })
  @JoinColumn(sameOrganization('vote_id'))
  vote?: Vote;

  @Column({ type: 'uuid' })
  questionId!: string;

  @ManyToOne(() => VoteQuestion, { onDelete: 'CASCADE' })
  @JoinColumn(sameOrganization('question_id'))
  question?: VoteQuestion;

  @Column({ type: 'uuid' })
  unitId!: string;

  @ManyToOne(() => Unit, { onDelete: 'RESTRICT' })
  @JoinColumn(sameOrganization('unit_id'))
  unit?: Unit;

  @Column({ type: 'uuid' })
  personId!: string;

  @ManyToOne(() => Person, { onDelete: 'RESTRICT' })
  @JoinColumn(sameOrganization('person_id'))
  person?: Person;

  @Column({ type: 'uuid', nullable: true })
  delegationId!: string | null;

  @ManyToOne(() => VoteDelegation, { onDelete: 'RESTRICT' })
  @JoinColumn(sameOrganization('delegation_id'))
  delegation?: VoteDelegation;
}

/**
 * One link of a vote's ballot chain, append-only (the app role may not update or delete it): a changed
 * ballot is a new row that supersedes the earlier one. `hash` = sha256(previous hash + the canonical
 * content of every other column), so an edited row breaks the chain where it sits. Unit, person and
 * time are null in a secret vote. Unit and person have no foreign keys on purpose: no cascade may
 * ever rewrite hashed content.
 */
@Entity('vote_ballots')
@Index('uq_vote_ballots_org_id', ['organizationId', 'id'], { unique: true })
@Index('uq_vote_ballots_org_vote_sequence', ['organizationId', 'voteId', 'sequence'], { unique: true })
@Index('uq_vote_ballots_org_supersedes', ['organizationId', 'supersedesBallotId'], { unique: true })
@Index('ix_vote_ballots_org_question_unit', ['organizationId', 'questionId', 'unitId'])
export class VoteBallot extends TenantRecord {
  @Column({ type: 'uuid' })
  voteId!: string;

  @ManyToOne(() => Vote, { onDelete: 'CASCADE' })
  @JoinColumn(sameOrganization('vote_id'))
  vote?: Vote;

  @Column({ type: 'integer' })
  sequence!: number;

  @Column({ type: 'uuid' })
  questionId!: string;

  @ManyToOne(() => VoteQuestion, { onDelete: 'CASCADE' })
  @JoinColumn(sameOrganization('question_id'))
  question?: VoteQuestion;

  @Column({ type: 'uuid' })
  optionId!: string;

  @ManyToOne(() => VoteOption, { onDelete: 'CASCADE' })
  @JoinColumn(sameOrganization('option_id'))
  option?: VoteOption;

  @Column({ type: 'integer' })
  weightNumerator!: number;

  @Column({ type: 'integer' })
  weightDenominator!: number;

  @Column({ type: 'uuid', nullable: true })
  unitId!: string | null;

  @Column({ type: 'uuid', nullable: true })
  castByPersonId!: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  castAt!: Date | null;

  @Column({ type: 'uuid', nullable: true })
  supersedesBallotId!: string | null;

  @ManyToOne(() => VoteBallot, { onDelete: 'CASCADE' })
  @JoinColumn(sameOrganization('supersedes_ballot_id'))
  supersedes?: VoteBallot;

  /** Secret votes: sha256 of the token on the voter's receipt, the only way to change that ballot. */
  @Column({ type: 'char', length: 64, nullable: true })
  changeTokenHash!: string | null;

  @Column({ type: 'char', length: 64 })
  previousHash!: string;

  @Column({ type: 'char', length: 64 })
  hash!: string;
}
