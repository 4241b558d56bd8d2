"use server";

import { prisma } from "@/lib/db";
import { requireUser } from "@/lib/session";

export async function listTeammates() {
  const me = await requireUser();
  const self = await prisma.user.findUniqueOrThrow({ where: { id: me.id }, select: { teamId: true } });
  const users = await prisma.user.findMany({ where: { teamId: self.teamId } });
  return users.map((u) => ({ id: u.id, name: u.name }));
}
