export { IdentityCoreModule } from './auth/auth.core.module';
export { AuthService } from './auth/auth.service';
export { ChangePasswordDto, ForgotPasswordDto, IntrospectDto, LoginDto, RefreshDto, RegisterDto, ResetPasswordDto, SwitchOrganizationDto, VerifyEmailDto } from './auth/dto/auth.dto';
export { AcceptedResponse, AccessTokenResponse, IntrospectionResponse, MeResponse, SessionResponse, TokenPairResponse } from './auth/dto/auth.response';
export { requireVerifiedEmail } from './auth/email-verified';
export { IdentityMailWorkerModule } from './auth/identity-mail-worker.module';
export { newOpaqueToken, sha256 } from './auth/opaque-token';
export { PasswordDoor, PasswordDoors } from './auth/password-doors';
export { IdentityEnv } from './identity.env';
export { AuthorizationServerMetadata, OAuthErrorResponse, OAuthRevokeDto, OAuthTokenDto, OAuthTokenResponse } from './oauth/dto/oauth.dto';
export { OAuthCoreModule } from './oauth/oauth.core.module';
export { OAuthError, OAuthErrorFilter } from './oauth/oauth.errors';
export { type ClientCredentials, INTROSPECT_SCOPE, OAuthService, type TokenTypeHint } from './oauth/oauth.service';
export { ServiceClientStatus } from './oauth/service-client-status';
export { ServiceClientsModule } from './oauth/service-clients.module';
export { AcceptedInvitationResponse, AcceptInvitationDto, InvitationPageResponse, InvitationResponse, InviteMemberDto, ReceivedInvitationResponse } from './organizations/dto/invitations.dto';
export { CreateOrganizationDto, MemberPageResponse, MemberResponse, OrganizationResponse, UpdateMemberDto, UpdateOrganizationDto } from './organizations/dto/organizations.dto';
export { InvitationsService } from './organizations/invitations.service';
export { MembershipsService } from './organizations/memberships.service';
export { OrganizationsCoreModule } from './organizations/organizations.core.module';
export { OrganizationsService, slugify } from './organizations/organizations.service';
export { assertSameOrigin, clearOperatorCookies, CSRF_HEADER, OPERATOR_COOKIE, OPERATOR_REFERRER_POLICY, readCookie, setOperatorCookies } from './queue-board/operator-cookies';
export { loginPage, signedInPage } from './queue-board/operator-login.page';
export { OperatorLogin } from './queue-board/operator-login';
export { sameToken } from './queue-board/operator-sessions';
export { OPERATOR_LOGIN_ROUTE, QUEUE_BOARD_ROUTE, QueueBoardGate } from './queue-board/queue-board-gate';
export { QueueBoardLoginCoreModule } from './queue-board/queue-board.core.module';
export { QueueBoardError, QueueBoardErrorCode } from './queue-board/queue-board.errors';
export { SessionStore } from './sessions/session-store';
export { Passwords } from './users/passwords';
export { UsersModule } from './users/users.module';
export { UsersService } from './users/users.service';
export { SessionsModule } from './sessions/sessions.module';
export { InfrastructureCoreModule } from './infrastructure/infrastructure.core.module';
export { JobStatsService } from './infrastructure/job-stats.service';
export { HealthHistoryCoreModule } from './infrastructure/health-history/health-history.core.module';
export { HealthHistoryService } from './infrastructure/health-history/health-history.service';
export { HEALTH_HISTORY_CRON, HealthHistoryRecorder } from './infrastructure/health-history/health-history.recorder';
export { HealthHistoryEnv, withHealthHistoryEnv } from './infrastructure/health-history/health-history.env';
export {
  AppRecordingResponse,
  DependencySummaryResponse,
  HealthHistoryQueryDto,
  HealthHistoryResponse,
  HealthSampleResponse,
  OutageResponse,
} from './infrastructure/dto/health-history.dto';
export { AlertJobsModule } from './infrastructure/alerts/alert-jobs.module';
export { AlertEvaluator, type AlertTransition } from './infrastructure/alerts/alert-evaluator';
export { AlertRulesService } from './infrastructure/alerts/alert-rules.service';
export { AlertsEnv, withAlertsEnv } from './infrastructure/alerts/alerts.env';
export {
  ALERT_SIGNATURE_HEADER,
  ALERT_TIMESTAMP_HEADER,
  verifyAlertSignature,
} from './infrastructure/alerts/alert-webhook-signature';
export { webhookSecretContext, type AlertWebhookBody } from './infrastructure/alerts/alert-delivery.processor';
export {
  AlertPageResponse,
  AlertRuleIdParam,
  AlertRulePageResponse,
  AlertRuleResponse,
  AlertsQueryDto,
  CreateAlertRuleDto,
  SavedAlertRuleResponse,
  UpdateAlertRuleDto,
} from './infrastructure/dto/alert-rules.dto';
export { TracesService } from './infrastructure/traces.service';
export { JobStatsQueryDto, JobStatsResponse, JobTypeStatsResponse, LiveQueueCountsResponse } from './infrastructure/dto/job-stats.dto';
export { SpanNodeResponse, TraceIdParam, TracePageResponse, TraceResponse, TraceSearchQueryDto, TraceSummaryResponse } from './infrastructure/dto/traces.dto';
export { OperatorCoreModule } from './operator/operator.core.module';
export { type OperatorActor, OperatorService } from './operator/operator.service';
