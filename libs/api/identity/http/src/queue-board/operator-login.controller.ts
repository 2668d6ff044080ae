import { Body, Controller, Get, Inject, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { AppError, Public } from '@ppt/observability';
import { IsEmail, IsOptional, IsString, MaxLength } from 'class-validator';
import type { Request, Response } from 'express';
import { IdentityEnv } from '@ppt/api-identity-core';
import { requestMetaOf } from '@ppt/api-shared';
import {
  assertSameOrigin,
  clearOperatorCookies,
  CSRF_HEADER,
  OPERATOR_COOKIE,
  OPERATOR_REFERRER_POLICY,
  readCookie,
  setOperatorCookies,
} from '@ppt/api-identity-core';
import { loginPage, signedInPage } from '@ppt/api-identity-core';
import { OperatorLogin } from '@ppt/api-identity-core';
import { sameToken } from '@ppt/api-identity-core';
import { OPERATOR_LOGIN_ROUTE, QUEUE_BOARD_ROUTE } from '@ppt/api-identity-core';
import { QueueBoardError, QueueBoardErrorCode } from '@ppt/api-identity-core';

export class OperatorLoginDto {
  @IsEmail()
  @MaxLength(320)
  email!: string;

  @IsString()
  @MaxLength(1024)
  password!: string;
}

export class OperatorLogoutDto {
  /** The sign-out form's copy of the CSRF token (scripts may send X-XSRF-TOKEN instead). */
  @IsOptional()
  @IsString()
  @MaxLength(200)
  _csrf?: string;
}

/** A browser's form post wants the page back with the message; scripts get the JSON error envelope. */
const wantsHtml = (req: Request) => req.accepts(['json', 'html']) === 'html';

/** The operators' sign-in page in front of Bull Board (server-rendered, outside the OpenAPI document). */
@ApiExcludeController()
@Public()
@Controller('admin')
export class OperatorLoginController {
  constructor(
    @Inject(IdentityEnv) private readonly env: IdentityEnv,
    private readonly login: OperatorLogin,
  ) {}

  @Get('login')
  async form(@Req() req: Request, @Res() res: Response): Promise<void> {
    const sessionId = readCookie(req, OPERATOR_COOKIE);
    const operator = sessionId ? await this.login.operatorOf(sessionId) : null;
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Referrer-Policy', OPERATOR_REFERRER_POLICY);
    res
      .type('html')
      .send(operator ? signedInPage(operator.user.email, operator.session.csrfToken) : loginPage());
  }

  @Post('login')
  async signIn(@Body() dto: OperatorLoginDto, @Req() req: Request, @Res() res: Response): Promise<void> {
    // Login CSRF: another site must not sign a browser in to an account of the attacker's choosing.
    assertSameOrigin(req);
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Referrer-Policy', OPERATOR_REFERRER_POLICY);
    try {
      const previous = readCookie(req, OPERATOR_COOKIE);
      const { id, operator } = await this.login.signIn(dto.email, dto.password, requestMetaOf(req));
      // A fresh id at every sign-in: a session id planted before it is worth nothing after.
      if (previous) await this.login.signOut(previous, null, requestMetaOf(req));
      setOperatorCookies(req, res, this.env, id, operator.session.csrfToken);
      res.redirect(303, QUEUE_BOARD_ROUTE);
    } catch (err) {
      if (!(err instanceof AppError) || !wantsHtml(req)) throw err;
      res
        .status(err.status)
        .set(err.headers ?? {})
        .type('html')
        .send(loginPage(err.message));
    }
  }

  @Post('logout')
  async signOut(@Body() dto: OperatorLogoutDto, @Req() req: Request, @Res() res: Response): Promise<void> {
    assertSameOrigin(req);
    const sessionId = readCookie(req, OPERATOR_COOKIE);
    if (sessionId) {
      const operator = await this.login.operatorOf(sessionId);
      const token = dto._csrf ?? req.get(CSRF_HEADER);
      if (operator && (!token || !sameToken(token, operator.session.csrfToken))) {
        throw new QueueBoardError(QueueBoardErrorCode.CsrfRejected, 'Missing or wrong CSRF token');
      }
      await this.login.signOut(sessionId, operator, requestMetaOf(req));
    }
    clearOperatorCookies(req, res, this.env);
    res.redirect(303, OPERATOR_LOGIN_ROUTE);
  }
}
