"use server";

import { prisma } from "@/lib/db";
import { requireUser } from "@/lib/session";

export async function getProfile() {
  const { id } = await requireUser();
  const user = await prisma.user.findUnique({ where: { id } });
  return user; // want "raw-orm-return"
}

export async function getProfilePage() {
  const { id } = await requireUser();
  const user = await prisma.user.findUnique({ where: { id } });
  return { user, ok: true }; // want "raw-orm-return"
}
